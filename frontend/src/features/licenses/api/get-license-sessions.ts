import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiQuery, ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type LicenseSession = ListItem<"/api/v1/orgs/{org}/licenses/{license_id}/sessions">;
export type LicenseSessionQuery = ApiQuery<"/api/v1/orgs/{org}/licenses/{license_id}/sessions", "get">;

export const getLicenseSessions = (org: string, licenseId: string, query: LicenseSessionQuery) =>
  unwrap(
    api.GET("/api/v1/orgs/{org}/licenses/{license_id}/sessions", {
      params: { path: { org, license_id: licenseId }, query },
    }),
  );

export const getLicenseSessionsQueryOptions = (org: string, licenseId: string, query: LicenseSessionQuery) =>
  queryOptions({
    queryKey: [...queryKeys.license(org, licenseId), "sessions", query],
    queryFn: () => getLicenseSessions(org, licenseId, query),
    placeholderData: keepPreviousData,
  });

/** Live sessions, refreshed every 5 seconds. */
export function useLicenseSessions(org: string, licenseId: string, query: LicenseSessionQuery) {
  return useQuery({ ...getLicenseSessionsQueryOptions(org, licenseId, query), refetchInterval: 5_000 });
}
