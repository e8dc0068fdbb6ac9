import { Navigate } from "react-router";

import { membershipsOf, useMe } from "@/lib/auth";

/** `/`: the first organization, or creating one. */
export function HomeRoute() {
  const { data: me } = useMe();
  const first = membershipsOf(me)[0];
  return <Navigate to={first ? `/orgs/${first.slug}` : "/orgs/new"} replace />;
}
