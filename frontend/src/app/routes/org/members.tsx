import { PageHeader } from "@/components/ui/page-header";
import { InvitationsTable, InviteDialog } from "@/features/members/components/invitations";
import { MembersTable } from "@/features/members/components/members-table";
import { useMe } from "@/lib/auth";
import { can } from "@/lib/authorization";
import { useCurrentOrg } from "@/lib/current-org";

export function MembersRoute() {
  const org = useCurrentOrg();
  const { data: me } = useMe();
  const invite = can(org.role, "invitations.manage");
  return (
    <>
      <PageHeader
        title="Members"
        description="Viewers read; members also use licenses; admins manage; owners also manage owners and the organization."
        actions={invite ? <InviteDialog org={org.slug} actorRole={org.role} /> : undefined}
      />
      <div className="space-y-6">
        <MembersTable org={org.slug} actorRole={org.role} myUserId={me?.id ?? ""} />
        {can(org.role, "invitations.read") && <InvitationsTable org={org.slug} />}
      </div>
    </>
  );
}
