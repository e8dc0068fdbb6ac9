import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";
import type { UtilizationWindow } from "@/lib/utilization";

export const getOrgUtilization = (org: string, window: UtilizationWindow) =>
  unwrap(api.GET("/api/v1/orgs/{org}/analytics/utilization", { params: { path: { org }, query: window } }));

export const getOrgUtilizationQueryOptions = (org: string, window: UtilizationWindow) =>
  queryOptions({
    queryKey: [...queryKeys.analytics(org), "utilization", window],
    queryFn: () => getOrgUtilization(org, window),
    placeholderData: keepPreviousData,
  });

/** Seats in use across the organization, per bucket; refreshed every 10 s. */
export function useOrgUtilization(org: string, window: UtilizationWindow) {
  return useQuery({ ...getOrgUtilizationQueryOptions(org, window), refetchInterval: 10_000 });
}
