import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type GroupMember = ListItem<"/api/v1/orgs/{org}/groups/{group_id}/members">;

/** The people of one group (first 200: a group is a team, not the organization). */
export const getGroupMembers = (org: string, groupId: string) =>
  unwrap(
    api.GET("/api/v1/orgs/{org}/groups/{group_id}/members", {
      params: { path: { org, group_id: groupId }, query: { page_size: 200 } },
    }),
  );

export const getGroupMembersQueryOptions = (org: string, groupId: string) =>
  queryOptions({
    queryKey: [...queryKeys.groups(org), groupId, "members"],
    queryFn: () => getGroupMembers(org, groupId),
  });

export function useGroupMembers(org: string, groupId: string) {
  return useQuery(getGroupMembersQueryOptions(org, groupId));
}
