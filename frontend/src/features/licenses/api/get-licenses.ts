import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiQuery, ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type License = ListItem<"/api/v1/orgs/{org}/licenses">;
export type LicenseQuery = ApiQuery<"/api/v1/orgs/{org}/licenses", "get">;

export const getLicenses = (org: string, query: LicenseQuery) =>
  unwrap(api.GET("/api/v1/orgs/{org}/licenses", { params: { path: { org }, query } }));

export const getLicensesQueryOptions = (org: string, query: LicenseQuery) =>
  queryOptions({
    queryKey: [...queryKeys.licenses(org), "list", query],
    queryFn: () => getLicenses(org, query),
    placeholderData: keepPreviousData,
  });

export function useLicenses(org: string, query: LicenseQuery) {
  return useQuery({ ...getLicensesQueryOptions(org, query), refetchInterval: 15_000 });
}
