import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiQuery, ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type Group = ListItem<"/api/v1/orgs/{org}/groups">;
export type GroupQuery = ApiQuery<"/api/v1/orgs/{org}/groups", "get">;

export const getGroups = (org: string, query: GroupQuery) =>
  unwrap(api.GET("/api/v1/orgs/{org}/groups", { params: { path: { org }, query } }));

export const getGroupsQueryOptions = (org: string, query: GroupQuery) =>
  queryOptions({
    queryKey: [...queryKeys.groups(org), "list", query],
    queryFn: () => getGroups(org, query),
    placeholderData: keepPreviousData,
  });

export function useGroups(org: string, query: GroupQuery) {
  return useQuery(getGroupsQueryOptions(org, query));
}
