import { useState } from "react";

import { RangePicker, UtilizationChart } from "@/components/charts/utilization-chart";
import { QueryState } from "@/components/ui/states";
import { Card, CardHeader } from "@/components/ui/card";
import { useLicenseUtilization } from "@/features/licenses/api/get-license-utilization";
import { chartWindow, rangeLabel, shapeUtilization, type ChartRange } from "@/lib/utilization";

export function LicenseUtilization({ org, licenseId, seatsTotal }: { org: string; licenseId: string; seatsTotal: number }) {
  const [range, setRange] = useState<ChartRange>({ key: "hour" });
  const window = chartWindow(range);
  const utilization = useLicenseUtilization(org, licenseId, window);
  const shaped = utilization.data ? shapeUtilization(utilization.data.buckets, window, seatsTotal) : null;

  return (
    <Card>
      <CardHeader
        title="Utilization"
        description={`Seats in use, ${rangeLabel(range)}`}
        actions={<RangePicker value={range} onChange={setRange} />}
      />
      <div className="p-4">
        <QueryState query={utilization} loadingLabel="Loading utilization">
          {() =>
            shaped && (
              <>
                <dl className="mb-4 grid grid-cols-3 gap-4 text-sm">
                  <div>
                    <dt className="text-slate-500">Peak in use</dt>
                    <dd className="text-xl font-semibold tabular-nums">{shaped.peak}</dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">Acquires</dt>
                    <dd className="text-xl font-semibold tabular-nums">{shaped.acquires}</dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">Denied</dt>
                    <dd className="text-xl font-semibold tabular-nums" data-testid="license-denials">
                      {shaped.denials}
                    </dd>
                  </div>
                </dl>
                <UtilizationChart data={shaped} seatsTotal={seatsTotal} title="Seats in use" />
              </>
            )
          }
        </QueryState>
      </div>
    </Card>
  );
}
