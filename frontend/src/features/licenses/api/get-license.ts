import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const getLicense = (org: string, licenseId: string) =>
  unwrap(api.GET("/api/v1/orgs/{org}/licenses/{license_id}", { params: { path: { org, license_id: licenseId } } }));

export const getLicenseQueryOptions = (org: string, licenseId: string) =>
  queryOptions({
    queryKey: [...queryKeys.license(org, licenseId), "detail"],
    queryFn: () => getLicense(org, licenseId),
  });

/** The license, refreshed every few seconds: its seats in use change live. */
export function useLicense(org: string, licenseId: string) {
  return useQuery({ ...getLicenseQueryOptions(org, licenseId), refetchInterval: 5_000 });
}
