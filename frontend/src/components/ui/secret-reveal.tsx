import type { ReactNode } from "react";

import { CopyButton } from "@/components/ui/copy-button";

/** A secret the server shows once: the value, a copy button and a warning. */
export function SecretReveal({ label, value, what, note }: { label: string; value: string; what: string; note?: ReactNode }) {
  return (
    <div className="space-y-3">
      <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
        <strong>Copy this {what} now.</strong>{" "}
        {note ?? "It is shown only once: CODITECT stores only a digest of it and cannot show it again. If you lose it, rotate it."}
      </div>
      <div>
        <p className="mb-1 text-sm font-medium text-slate-700">{label}</p>
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
          <code
            data-testid="secret-value"
            className="block min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm break-all select-all"
          >
            {value}
          </code>
          <CopyButton value={value} label={`Copy ${what}`} />
        </div>
      </div>
    </div>
  );
}
