import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";
import type { UtilizationWindow } from "@/lib/utilization";

export const getLicenseUtilization = (org: string, licenseId: string, window: UtilizationWindow) =>
  unwrap(
    api.GET("/api/v1/orgs/{org}/licenses/{license_id}/utilization", {
      params: { path: { org, license_id: licenseId }, query: window },
    }),
  );

export const getLicenseUtilizationQueryOptions = (org: string, licenseId: string, window: UtilizationWindow) =>
  queryOptions({
    queryKey: [...queryKeys.license(org, licenseId), "utilization", window],
    queryFn: () => getLicenseUtilization(org, licenseId, window),
    placeholderData: keepPreviousData,
  });

export function useLicenseUtilization(org: string, licenseId: string, window: UtilizationWindow) {
  return useQuery({ ...getLicenseUtilizationQueryOptions(org, licenseId, window), refetchInterval: 10_000 });
}
