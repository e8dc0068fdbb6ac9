import { useParams } from "react-router";

import { PageHeader } from "@/components/ui/page-header";
import { CreateLicenseDialog } from "@/features/licenses/components/create-license-dialog";
import { LicenseDetail } from "@/features/licenses/components/license-detail";
import { LicensesList } from "@/features/licenses/components/licenses-list";
import { can } from "@/lib/authorization";
import { useCurrentOrg } from "@/lib/current-org";

export function LicensesRoute() {
  const org = useCurrentOrg();
  return (
    <>
      <PageHeader
        title="Licenses"
        description="Each license is a pool of floating seats that clients acquire with its key."
        actions={can(org.role, "licenses.manage") ? <CreateLicenseDialog org={org.slug} /> : undefined}
      />
      <LicensesList org={org.slug} />
    </>
  );
}

export function LicenseRoute() {
  const org = useCurrentOrg();
  const { licenseId = "" } = useParams();
  return <LicenseDetail org={org.slug} licenseId={licenseId} role={org.role} />;
}
