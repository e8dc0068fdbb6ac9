import { PageHeader } from "@/components/ui/page-header";
import { OrgSettings } from "@/features/orgs/components/org-settings";
import { useCurrentOrg } from "@/lib/current-org";

export function SettingsRoute() {
  const org = useCurrentOrg();
  return (
    <>
      <PageHeader title="Settings" />
      <OrgSettings org={org} />
    </>
  );
}
