import { Badge } from "@/components/ui/badge";

export type LicenseStatus = "active" | "suspended" | "expired" | "inactive";

/** The license's state as the seat protocol sees it (the API's own when it sends one). */
type LicenseLike = { is_active: boolean; is_suspended: boolean; expires_at?: string | null; status?: string };

export function licenseStatus(license: LicenseLike): LicenseStatus {
  if (license.status) return license.status as LicenseStatus;
  if (!license.is_active) return "inactive";
  if (license.is_suspended) return "suspended";
  if (license.expires_at && Date.parse(license.expires_at) <= Date.now()) return "expired";
  return "active";
}

const TONE = { active: "green", suspended: "amber", expired: "red", inactive: "slate" } as const;
const LABEL = { active: "Active", suspended: "Suspended", expired: "Expired", inactive: "Inactive" } as const;

export function LicenseStatusBadge({ license }: { license: LicenseLike }) {
  const status = licenseStatus(license);
  return <Badge tone={TONE[status]}>{LABEL[status]}</Badge>;
}

/** "2 / 3" with a bar; the bar turns amber near the limit and red at it. */
export function SeatMeter({ used, total, label }: { used: number | null; total: number; label?: string }) {
  if (used === null) {
    // The seat store did not answer: say so rather than show a wrong number.
    return (
      <span className="text-sm text-slate-500" data-testid="seats">
        ? / {total} <span className="sr-only">seats in use (unknown right now)</span>
      </span>
    );
  }
  const pct = total > 0 ? Math.min(100, Math.round((used / total) * 100)) : 0;
  const color = pct >= 100 ? "bg-red-600" : pct >= 80 ? "bg-amber-500" : "bg-emerald-600";
  return (
    <div className="flex min-w-32 items-center gap-2">
      <span className="w-14 shrink-0 text-sm font-medium tabular-nums text-slate-900" data-testid="seats">
        {used} / {total}
      </span>
      <div
        role="meter"
        aria-label={label ?? "Seats in use"}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={used}
        aria-valuetext={`${used} of ${total} seats in use`}
        className="h-2 flex-1 overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full ${color}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
