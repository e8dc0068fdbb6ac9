import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { Card, CardHeader } from "@/components/ui/card";
import { QueryState } from "@/components/ui/states";
import { useLicensePolicyUse } from "@/features/licenses/api/get-license-policy-use";

const H = 160;
const INITIAL = { width: 600, height: H };
const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { month: "short", day: "numeric" });
const hours = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(0));

/** Overage seat-hours per day with the period's total and peak, and each ruled project's or group's peak use against its reservation and cap. */
export function LicensePolicyUse({ org, licenseId }: { org: string; licenseId: string }) {
  const use = useLicensePolicyUse(org, licenseId);
  return (
    <Card>
      <CardHeader title="Overage and reservations" description="Last 30 days, by day" />
      <div className="space-y-6 p-4">
        <QueryState query={use} loadingLabel="Loading overage and reservation use">
          {(data) => (
            <>
              <dl className="grid grid-cols-2 gap-4 text-sm">
                <div>
                  <dt className="text-slate-500">Overage seat-hours</dt>
                  <dd className="text-xl font-semibold tabular-nums" data-testid="overage-seat-hours">
                    {hours(data.overage_seat_hours)}
                  </dd>
                </div>
                <div>
                  <dt className="text-slate-500">Peak seats over {data.seats_total}</dt>
                  <dd className="text-xl font-semibold tabular-nums" data-testid="overage-peak">
                    {data.overage_peak} <span className="text-sm font-normal text-slate-500">of {data.overage_allowance} allowed</span>
                  </dd>
                </div>
              </dl>
              <figure>
                <figcaption className="mb-1 text-sm text-slate-600">Overage seat-hours per day</figcaption>
                <ResponsiveContainer width="100%" height={H} initialDimension={INITIAL}>
                  <BarChart data={data.overage_days.map((d) => ({ day: day(d.start), hours: d.seat_hours, peak: d.peak }))} accessibilityLayer>
                    <CartesianGrid strokeDasharray="3 3" vertical={false} />
                    <XAxis dataKey="day" tick={{ fontSize: 11 }} />
                    <YAxis allowDecimals tick={{ fontSize: 11 }} width={40} />
                    <Tooltip />
                    <Bar dataKey="hours" name="Seat-hours over" fill="#d97706" />
                  </BarChart>
                </ResponsiveContainer>
              </figure>
              {data.projects.map((p) => (
                <figure key={p.project ?? p.group}>
                  <figcaption className="mb-1 text-sm text-slate-600">
                    {p.group ? `Group ${p.slug}` : p.slug}: peak seats per day ({p.reserved ? `${p.reserved} reserved` : "no reservation"}
                    {p.cap != null ? `, capped at ${p.cap}` : ""})
                  </figcaption>
                  <ResponsiveContainer width="100%" height={H} initialDimension={INITIAL}>
                    <BarChart data={p.days.map((d) => ({ day: day(d.start), peak: d.peak_in_use }))} accessibilityLayer>
                      <CartesianGrid strokeDasharray="3 3" vertical={false} />
                      <XAxis dataKey="day" tick={{ fontSize: 11 }} />
                      <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
                      <Tooltip />
                      <Bar dataKey="peak" name="Peak in use" fill="#4f46e5" />
                      {p.reserved > 0 && <ReferenceLine y={p.reserved} stroke="#059669" strokeDasharray="4 4" label="reserved" />}
                      {p.cap != null && <ReferenceLine y={p.cap} stroke="#dc2626" strokeDasharray="4 4" label="cap" />}
                    </BarChart>
                  </ResponsiveContainer>
                </figure>
              ))}
            </>
          )}
        </QueryState>
      </div>
    </Card>
  );
}
