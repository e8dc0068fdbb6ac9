import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

/** Groups of people to name in a license's seat rules (first 200). */
export const getGroupChoices = (org: string) =>
  unwrap(api.GET("/api/v1/orgs/{org}/groups", { params: { path: { org }, query: { page_size: 200 } } }));

export const getGroupChoicesQueryOptions = (org: string) =>
  queryOptions({
    queryKey: [...queryKeys.groups(org), "choices"],
    queryFn: () => getGroupChoices(org),
    staleTime: 60_000,
  });

export function useGroupChoices(org: string) {
  return useQuery(getGroupChoicesQueryOptions(org));
}
