import { NotFound } from "@/app/routes/not-found";
import { PageHeader } from "@/components/ui/page-header";
import { OrgSessions } from "@/features/sessions/components/org-sessions";
import { can } from "@/lib/authorization";
import { useCurrentOrg } from "@/lib/current-org";

export function SessionsRoute() {
  const org = useCurrentOrg();
  if (!can(org.role, "sessions.read")) return <NotFound />;
  return (
    <>
      <PageHeader title="Sessions" description="Every client session of every license, newest first." />
      <OrgSessions org={org.slug} canRevoke={can(org.role, "sessions.revoke")} />
    </>
  );
}
