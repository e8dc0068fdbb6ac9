import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { FilterInput, FilterSelect } from "@/components/ui/form";
import { EmptyState, QueryState } from "@/components/ui/states";
import { downloadExport, useBreakdown, useDenials, type Window } from "@/features/usage/api/get-usage";
import { errorMessage } from "@/lib/api-error";
import { formatDateTime } from "@/lib/format";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const hours = (seconds: number) => (seconds / 3600).toFixed(1);

/**
 * Who used the seats in a chosen date range (per person or per project), who
 * was refused, and the same data as CSV files.
 */
export function UsageReport({ org, canExportAudit }: { org: string; canExportAudit: boolean }) {
  const [from, setFrom] = useState(day(-30));
  const [to, setTo] = useState(day(1));
  const [by, setBy] = useState<"user" | "project">("user");
  const [exportError, setExportError] = useState<string | null>(null);
  const range: Window = { since: `${from}T00:00:00Z`, until: `${to}T00:00:00Z` };
  const breakdown = useBreakdown(org, by, range);
  const denials = useDenials(org, range);
  const exportKinds = canExportAudit ? (["sessions", "usage", "audit"] as const) : (["sessions", "usage"] as const);

  return (
    <div className="space-y-6">
      <Card>
        <div className="grid gap-3 p-4 sm:grid-cols-4">
          <FilterInput label="From" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          <FilterInput label="To (exclusive)" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          <FilterSelect label="Group by" value={by} onChange={(e) => setBy(e.target.value as "user" | "project")}>
            <option value="user">Person</option>
            <option value="project">Project</option>
          </FilterSelect>
          <div className="flex flex-wrap items-end gap-2">
            {exportKinds.map((kind) => (
              <Button
                key={kind}
                size="sm"
                variant="secondary"
                onClick={() => downloadExport(org, kind, range).then(() => setExportError(null), (e) => setExportError(errorMessage(e)))}
              >
                {kind} CSV
              </Button>
            ))}
          </div>
        </div>
        {exportError && (
          <p role="alert" className="px-4 pb-4 text-sm text-red-700">
            {exportError}
          </p>
        )}
      </Card>
      <Card>
        <CardHeader title={by === "user" ? "Usage per person" : "Usage per project"} />
        <QueryState query={breakdown} isEmpty={(d) => d.groups.length === 0} empty={<EmptyState title="No usage in this range" />}>
          {(d) => (
            <table className="w-full text-sm" aria-label="Usage breakdown">
              <thead className="text-left text-slate-500">
                <tr>
                  <th className="p-3">{by === "user" ? "Person" : "Project"}</th>
                  <th className="p-3 text-right">Seat-hours</th>
                  <th className="p-3 text-right">Sessions</th>
                  <th className="p-3 text-right">Peak at once</th>
                </tr>
              </thead>
              <tbody>
                {d.groups.map((g) => (
                  <tr key={g.key ?? "none"} className="border-t border-slate-200">
                    <td className="p-3">{g.name ?? (by === "user" ? "Machines (license key)" : "No project")}</td>
                    <td className="p-3 text-right">{hours(g.seat_seconds)}</td>
                    <td className="p-3 text-right">{g.sessions}</td>
                    <td className="p-3 text-right">{g.peak_in_use}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </Card>
      <Card>
        <CardHeader title="Refused acquires" description="Who asked for a seat and got none, newest first." />
        <QueryState query={denials} isEmpty={(d) => d.results.length === 0} empty={<EmptyState title="Nobody was refused in this range" />}>
          {(d) => (
            <table className="w-full text-sm" aria-label="Refused acquires">
              <thead className="text-left text-slate-500">
                <tr>
                  <th className="p-3">When</th>
                  <th className="p-3">Who</th>
                  <th className="p-3">License</th>
                  <th className="p-3 text-right">Seats in use</th>
                </tr>
              </thead>
              <tbody>
                {d.results.map((r, i) => (
                  <tr key={`${r.at}-${i}`} className="border-t border-slate-200">
                    <td className="p-3">{formatDateTime(r.at)}</td>
                    <td className="p-3">{r.person ? r.person.name || r.person.email : "Machine (license key)"}</td>
                    <td className="p-3">{r.license_name ?? "Deleted license"}</td>
                    <td className="p-3 text-right">{r.seats_used}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </Card>
    </div>
  );
}
