import { useParams } from "react-router";

import { NotFound } from "@/app/routes/not-found";
import { PersonSessions } from "@/features/sessions/components/person-sessions";
import { can } from "@/lib/authorization";
import { useCurrentOrg } from "@/lib/current-org";

export function PersonRoute() {
  const org = useCurrentOrg();
  const { userId = "" } = useParams();
  if (!can(org.role, "sessions.read")) return <NotFound />;
  return <PersonSessions org={org.slug} userId={userId} canRevoke={can(org.role, "sessions.revoke")} />;
}
