import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

/** Overage seat-hours and peak by day, and each ruled project's use (last 30 days). */
export const getLicensePolicyUse = (org: string, licenseId: string) =>
  unwrap(api.GET("/api/v1/orgs/{org}/licenses/{license_id}/policy-use", { params: { path: { org, license_id: licenseId } } }));

export const getLicensePolicyUseQueryOptions = (org: string, licenseId: string) =>
  queryOptions({
    queryKey: [...queryKeys.license(org, licenseId), "policy-use"],
    queryFn: () => getLicensePolicyUse(org, licenseId),
  });

export function useLicensePolicyUse(org: string, licenseId: string) {
  return useQuery({ ...getLicensePolicyUseQueryOptions(org, licenseId), refetchInterval: 60_000 });
}
