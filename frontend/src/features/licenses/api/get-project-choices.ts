import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

/** Projects to pick from when creating or editing a license (first 200). */
export const getProjectChoices = (org: string) =>
  unwrap(api.GET("/api/v1/orgs/{org}/projects", { params: { path: { org }, query: { page_size: 200 } } }));

export const getProjectChoicesQueryOptions = (org: string) =>
  queryOptions({
    queryKey: [...queryKeys.projects(org), "choices"],
    queryFn: () => getProjectChoices(org),
    staleTime: 60_000,
  });

export function useProjectChoices(org: string) {
  return useQuery(getProjectChoicesQueryOptions(org));
}
