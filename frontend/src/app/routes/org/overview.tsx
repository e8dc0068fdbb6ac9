import { Overview } from "@/features/overview/components/overview";
import { can } from "@/lib/authorization";
import { useCurrentOrg } from "@/lib/current-org";

export function OverviewRoute() {
  const org = useCurrentOrg();
  return <Overview org={org.slug} orgName={org.name} canManage={can(org.role, "licenses.manage")} />;
}
