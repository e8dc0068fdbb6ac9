import { Outlet, useParams } from "react-router";

import { AppLayout } from "@/components/layouts/app-layout";
import { NotFound } from "@/app/routes/not-found";
import { membershipsOf, useMe } from "@/lib/auth";

/** `/orgs/:org/*`: the organization must be one of the user's; else it does not exist. */
export function OrgLayoutRoute() {
  const { org } = useParams();
  const { data: me } = useMe();
  const membership = membershipsOf(me).find((m) => m.slug === org || m.id === org);
  if (!membership) return <NotFound what="organization" />;
  return (
    <AppLayout org={membership}>
      <Outlet />
    </AppLayout>
  );
}
