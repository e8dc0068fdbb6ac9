import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type Member = ListItem<"/api/v1/orgs/{org}/members">;

export const getMembers = (org: string, page: number, pageSize: number) =>
  unwrap(api.GET("/api/v1/orgs/{org}/members", { params: { path: { org }, query: { page, page_size: pageSize } } }));

export const getMembersQueryOptions = (org: string, page: number, pageSize: number) =>
  queryOptions({
    queryKey: [...queryKeys.members(org), "list", { page, pageSize }],
    queryFn: () => getMembers(org, page, pageSize),
    placeholderData: keepPreviousData,
  });

export function useMembers(org: string, page: number, pageSize: number) {
  return useQuery(getMembersQueryOptions(org, page, pageSize));
}
