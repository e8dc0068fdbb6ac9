import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

/** The organization's members to add to a group from (first 200). */
export const getMemberChoices = (org: string) =>
  unwrap(api.GET("/api/v1/orgs/{org}/members", { params: { path: { org }, query: { page_size: 200 } } }));

export const getMemberChoicesQueryOptions = (org: string) =>
  queryOptions({
    queryKey: [...queryKeys.members(org), "choices"],
    queryFn: () => getMemberChoices(org),
    staleTime: 60_000,
  });

export function useMemberChoices(org: string) {
  return useQuery(getMemberChoicesQueryOptions(org));
}
