import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const EXPIRING_WITHIN_DAYS = 30;

/** Active licenses that expire within the next 30 days (the day is the cache key). */
export const getExpiringLicenses = (org: string, before: string) =>
  unwrap(
    api.GET("/api/v1/orgs/{org}/licenses", {
      params: { path: { org }, query: { expiring_before: before, status: "active", page_size: 10 } },
    }),
  );

export const getExpiringLicensesQueryOptions = (org: string, now = Date.now()) => {
  const day = 86_400_000;
  const before = new Date((Math.floor(now / day) + 1 + EXPIRING_WITHIN_DAYS) * day).toISOString();
  return queryOptions({
    queryKey: [...queryKeys.licenses(org), "expiring", before],
    queryFn: () => getExpiringLicenses(org, before),
  });
};

export function useExpiringLicenses(org: string) {
  return useQuery(getExpiringLicensesQueryOptions(org));
}
