import { Link } from "react-router";

import { PageHeader } from "@/components/ui/page-header";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { Card, CardHeader } from "@/components/ui/card";
import { useLicense } from "@/features/licenses/api/get-license";
import { useProjectChoices } from "@/features/licenses/api/get-project-choices";
import { LicenseActions } from "@/features/licenses/components/license-actions";
import { LicensePeople } from "@/features/licenses/components/license-people";
import { LicenseStatusBadge, SeatMeter } from "@/components/domain/license-status";
import { LicensePolicyUse } from "@/features/licenses/components/license-policy-use";
import { LicenseUtilization } from "@/features/licenses/components/license-utilization";
import { SessionsTable } from "@/features/licenses/components/sessions-table";
import { ApiError } from "@/lib/api-error";
import { can } from "@/lib/authorization";
import type { Role } from "@/lib/api-types";
import { formatDateTime, formatDuration, formatRelative } from "@/lib/format";

export function LicenseDetail({ org, licenseId, role }: { org: string; licenseId: string; role: Role }) {
  const query = useLicense(org, licenseId);
  const projects = useProjectChoices(org);

  if (query.isPending) return <LoadingState label="Loading the license" />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) {
      return (
        <div className="py-10 text-center">
          <h1 className="text-xl font-semibold">License not found</h1>
          <p className="mt-2 text-sm text-slate-600">
            It may have been deleted. <Link to={`/orgs/${org}/licenses`} className="text-brand-700 underline">Back to licenses</Link>
          </p>
        </div>
      );
    }
    return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  }
  const license = query.data;
  const project = projects.data?.results.find((p) => p.id === license.project);
  const manage = can(role, "licenses.manage");

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link to={`/orgs/${org}/licenses`} className="text-brand-700 underline underline-offset-2 hover:no-underline">
          Licenses
        </Link>
        <span aria-hidden="true" className="px-1 text-slate-400">/</span>
        <span aria-current="page" className="text-slate-600">{license.name}</span>
      </nav>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            {license.name} <LicenseStatusBadge license={license} />
          </span>
        }
        description={<>Key <code className="font-mono">{license.key_prefix}…</code></>}
        actions={manage ? <LicenseActions org={org} license={license} /> : undefined}
      />
      {/* grid-cols-1, not the implicit column: that one grows to a wide table's width on a phone. */}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-1">
          <CardHeader title="Seats" />
          <dl className="space-y-3 p-4 text-sm">
            <div>
              <dt className="sr-only">Seats in use</dt>
              <dd>
                <SeatMeter used={license.seats_used} total={license.seats_total} />
                {license.seats_over > 0 && (
                  <p className="mt-2 text-sm font-medium text-amber-800" data-testid="seats-over">
                    {license.seats_used} of {license.seats_total + license.overage_allowance} in use — over until sessions end. New clients are
                    refused until fewer are running.
                  </p>
                )}
              </dd>
            </div>
            <div className="flex justify-between gap-4">
              <dt className="text-slate-500">Overage</dt>
              <dd>{license.overage_allowance > 0 ? `Up to ${license.overage_allowance} extra` : "None"}</dd>
            </div>
            {license.project_seats.map((rule) => (
              <div key={rule.group ?? rule.project} className="flex justify-between gap-4">
                <dt className="text-slate-500">
                  {rule.group ? "Group" : "Project"} {rule.slug}
                </dt>
                <dd>
                  {[rule.reserved ? `${rule.reserved} reserved` : null, rule.cap != null ? `cap ${rule.cap}` : null].filter(Boolean).join(", ")}
                </dd>
              </div>
            ))}
            {license.grace_days > 0 && (
              <div className="flex justify-between gap-4">
                <dt className="text-slate-500">Grace period</dt>
                <dd>
                  {license.grace_days} day{license.grace_days === 1 ? "" : "s"}
                  {license.in_grace && <span className="ml-2 font-medium text-amber-800">(in grace now: renew)</span>}
                </dd>
              </div>
            )}
            <div className="flex justify-between gap-4">
              <dt className="text-slate-500">Heartbeat TTL</dt>
              <dd>{formatDuration(license.heartbeat_ttl)}</dd>
            </div>
            <div className="flex justify-between gap-4">
              <dt className="text-slate-500">Expires</dt>
              <dd>{license.expires_at ? `${formatDateTime(license.expires_at)} (${formatRelative(license.expires_at)})` : "Never"}</dd>
            </div>
            <div className="flex justify-between gap-4">
              <dt className="text-slate-500">Project</dt>
              <dd>{project?.name ?? (license.project ? "…" : "None")}</dd>
            </div>
            <div className="flex justify-between gap-4">
              <dt className="text-slate-500">Created</dt>
              <dd>{formatDateTime(license.created_at)}</dd>
            </div>
          </dl>
        </Card>
        <div className="lg:col-span-2">
          <LicenseUtilization org={org} licenseId={license.id} seatsTotal={license.seats_total} />
        </div>
        {(license.overage_allowance > 0 || license.project_seats.length > 0) && (
          <div className="lg:col-span-3">
            <LicensePolicyUse org={org} licenseId={license.id} />
          </div>
        )}
        <div className="lg:col-span-3">
          <LicensePeople org={org} license={license} manage={manage} />
        </div>
        <div className="lg:col-span-3">
          <SessionsTable org={org} licenseId={license.id} canRevoke={can(role, "sessions.revoke")} />
        </div>
      </div>
    </>
  );
}
