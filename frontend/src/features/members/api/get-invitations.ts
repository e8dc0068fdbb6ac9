import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type Invitation = ListItem<"/api/v1/orgs/{org}/invitations">;

export const getInvitations = (org: string) =>
  unwrap(api.GET("/api/v1/orgs/{org}/invitations", { params: { path: { org }, query: { page_size: 200 } } }));

export const getInvitationsQueryOptions = (org: string) =>
  queryOptions({ queryKey: [...queryKeys.invitations(org), "list"], queryFn: () => getInvitations(org) });

export function useInvitations(org: string) {
  return useQuery(getInvitationsQueryOptions(org));
}
