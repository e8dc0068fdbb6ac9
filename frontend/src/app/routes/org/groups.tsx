import { PageHeader } from "@/components/ui/page-header";
import { CreateGroupDialog } from "@/features/groups/components/group-dialog";
import { GroupsList } from "@/features/groups/components/groups-list";
import { can } from "@/lib/authorization";
import { useCurrentOrg } from "@/lib/current-org";

export function GroupsRoute() {
  const org = useCurrentOrg();
  const manage = can(org.role, "groups.manage");
  return (
    <>
      <PageHeader
        title="Groups"
        description="Groups of the organization's people. A license's seat rules can reserve seats for a group or cap it."
        actions={manage ? <CreateGroupDialog org={org.slug} /> : undefined}
      />
      <GroupsList org={org.slug} canManage={manage} />
    </>
  );
}
