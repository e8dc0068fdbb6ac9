import { useMemo, useState } from "react";
import { Link } from "react-router";

import { RangePicker, UtilizationChart } from "@/components/charts/utilization-chart";
import { licenseColumns } from "@/components/domain/license-columns";
import { licenseStatus } from "@/components/domain/license-status";
import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Card, CardHeader } from "@/components/ui/card";
import { columnHelper, DataTable } from "@/components/ui/data-table";
import { EXPIRING_WITHIN_DAYS, useExpiringLicenses } from "@/features/overview/api/get-expiring-licenses";
import { useLicenseUsage, type LicenseUsage } from "@/features/overview/api/get-license-usage";
import { useOrgUtilization } from "@/features/overview/api/get-org-utilization";
import { formatDate, formatRelative } from "@/lib/format";
import { chartWindow, rangeLabel, shapeUtilization, utilizationPercent, type ChartRange } from "@/lib/utilization";

/** Totals over the licenses that can hand out seats now: a suspended, inactive or
 * expired license's seats are no capacity (the server's utilization agrees). */
export function seatTotals(licenses: LicenseUsage[]) {
  let used = 0;
  let total = 0;
  let granting = 0;
  for (const l of licenses) {
    if (licenseStatus(l) !== "active") continue;
    granting += 1;
    used += l.seats_used ?? 0;
    total += l.seats_total;
  }
  return { used, total, granting, percent: utilizationPercent(used, total) };
}

const col = columnHelper<LicenseUsage>();

function usageColumns(org: string) {
  return col.columns(licenseColumns<LicenseUsage>(org, { nameHeader: "License", seatsClassName: "w-1/2" }));
}

function Stat({ label, value, detail, testId }: { label: string; value: string; detail?: string; testId?: string }) {
  return (
    <Card className="p-4">
      <p className="text-sm text-slate-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </p>
      {detail && <p className="mt-1 text-xs text-slate-500">{detail}</p>}
    </Card>
  );
}

export function Overview({ org, orgName, canManage }: { org: string; orgName: string; canManage: boolean }) {
  const [range, setRange] = useState<ChartRange>({ key: "day" });
  const window = chartWindow(range);
  const usage = useLicenseUsage(org);
  const utilization = useOrgUtilization(org, window);
  const expiring = useExpiringLicenses(org);
  const licenses = usage.data?.results ?? [];
  const columns = useMemo(() => usageColumns(org), [org]);
  const totals = seatTotals(licenses);
  const seatsBought = totals.total;
  const shaped = utilization.data ? shapeUtilization(utilization.data.buckets, window, seatsBought || null) : null;
  const windowLabel = rangeLabel(range);

  return (
    <>
      <PageHeader title="Overview" description={orgName} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <Stat
          label="Seats in use"
          value={usage.data ? `${totals.used} / ${totals.total}` : "…"}
          detail={
            usage.data
              ? `${totals.percent}% of the seats of ${totals.granting} license${totals.granting === 1 ? "" : "s"} that can grant`
              : undefined
          }
          testId="overview-seats"
        />
        <Stat
          label={`Peak in use, ${windowLabel}`}
          value={shaped ? String(shaped.peak) : "…"}
          testId="overview-peak"
        />
        <Stat
          label={`Denied acquires, ${windowLabel}`}
          value={shaped ? String(shaped.denials) : "…"}
          detail="Clients refused because every seat was taken"
          testId="overview-denials"
        />
      </div>

      {/* grid-cols-1, not the implicit column: that one grows to a wide table's width on a phone. */}
      <div className="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Utilization" description="Seats in use across every license" actions={<RangePicker value={range} onChange={setRange} />} />
          <div className="p-4">
            <QueryState query={utilization} loadingLabel="Loading utilization">
              {() => shaped && <UtilizationChart data={shaped} seatsTotal={seatsBought || null} title="Seats in use across the organization" />}
            </QueryState>
          </div>
        </Card>

        <Card>
          <CardHeader title="Expiring soon" description={`Within ${EXPIRING_WITHIN_DAYS} days`} />
          <QueryState
            query={expiring}
            loadingLabel="Loading licenses"
            isEmpty={(d) => d.results.length === 0}
            empty={<EmptyState title="Nothing expires soon" />}
          >
            {(data) => (
              <ul className="divide-y divide-slate-100">
                {data.results.map((l) => (
                  <li key={l.id} className="flex items-center justify-between gap-3 px-4 py-3 text-sm">
                    <Link to={`/orgs/${org}/licenses/${l.id}`} className="font-medium text-brand-700 hover:underline">
                      {l.name}
                    </Link>
                    <span className="text-slate-600" title={formatDate(l.expires_at)}>
                      {formatRelative(l.expires_at)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </QueryState>
        </Card>

        <Card className="lg:col-span-3">
          <CardHeader title="Seats by license" description="Live; refreshed every few seconds" />
          <QueryState
            query={usage}
            loadingLabel="Loading licenses"
            isEmpty={(d) => d.results.length === 0}
            empty={
              <EmptyState title="No licenses yet">
                {canManage ? (
                  <ButtonLink to={`/orgs/${org}/licenses`} size="sm" className="mt-2">
                    Create a license
                  </ButtonLink>
                ) : (
                  "An admin of this organization can create one."
                )}
              </EmptyState>
            }
          >
            {(data) => (
              <DataTable label="Seats by license" data={data.results} columns={columns} getRowId={(l) => l.id} />
            )}
          </QueryState>
        </Card>
      </div>
    </>
  );
}
