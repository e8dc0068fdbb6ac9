import { formatDateTime, formatRelative } from "@/lib/format";

/** "5 minutes ago", with the exact date and time on hover; "—" when there is none. */
export function RelativeTime({ value, fallback = "—" }: { value: string | null | undefined; fallback?: string }) {
  if (!value) return <>{fallback}</>;
  return (
    <time dateTime={value} title={formatDateTime(value)}>
      {formatRelative(value)}
    </time>
  );
}

/**
 * An identifier in monospace, cut to the column's width with the whole value on
 * hover: a hardware fingerprint is 68 characters and would push every other
 * column (and the row's actions) out of sight.
 */
export function Identifier({ value }: { value: string }) {
  return (
    <span className="block max-w-36 truncate font-mono text-xs sm:max-w-56" title={value}>
      {value}
    </span>
  );
}
