import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

/** Members to filter the audit log by (the API filters on the actor's user id). */
export const getActorChoices = (org: string) =>
  unwrap(api.GET("/api/v1/orgs/{org}/members", { params: { path: { org }, query: { page_size: 200 } } }));

export const getActorChoicesQueryOptions = (org: string) =>
  queryOptions({
    queryKey: [...queryKeys.members(org), "choices"],
    queryFn: () => getActorChoices(org),
    staleTime: 60_000,
  });

export function useActorChoices(org: string) {
  return useQuery(getActorChoicesQueryOptions(org));
}
