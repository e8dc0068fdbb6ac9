import { useParams } from "react-router";

import { can, type Policy } from "@/lib/authorization";
import { membershipsOf, useMe, type OrgMembership } from "@/lib/auth";

/** The organization in the URL (`/orgs/:org/…`) and the user's role in it. */
export function useCurrentOrg(): OrgMembership {
  const { org } = useParams();
  const { data: me } = useMe();
  const membership = membershipsOf(me).find((m) => m.slug === org || m.id === org);
  if (!membership) throw new Error(`useCurrentOrg outside an organization route (${org})`);
  return membership;
}

/** Whether the user's role in the current organization allows `policy`. */
export function useCan(policy: Policy): boolean {
  return can(useCurrentOrg().role, policy);
}
