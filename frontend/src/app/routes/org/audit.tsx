import { PageHeader } from "@/components/ui/page-header";
import { AuditLog } from "@/features/audit/components/audit-log";
import { NotFound } from "@/app/routes/not-found";
import { can } from "@/lib/authorization";
import { useCurrentOrg } from "@/lib/current-org";

export function AuditRoute() {
  const org = useCurrentOrg();
  if (!can(org.role, "audit.read")) return <NotFound />;
  return (
    <>
      <PageHeader title="Audit log" description="Every change by a member or an API token, newest first." />
      <AuditLog org={org.slug} />
    </>
  );
}
