import { NotFound } from "@/app/routes/not-found";
import { PageHeader } from "@/components/ui/page-header";
import { UsageReport } from "@/features/usage/components/usage-report";
import { can } from "@/lib/authorization";
import { useCurrentOrg } from "@/lib/current-org";

export function UsageRoute() {
  const org = useCurrentOrg();
  if (!can(org.role, "analytics.read")) return <NotFound />;
  return (
    <>
      <PageHeader title="Usage" description="Who used the seats, who was refused, and CSV exports, for a date range." />
      <UsageReport org={org.slug} canExportAudit={can(org.role, "audit.read")} />
    </>
  );
}
