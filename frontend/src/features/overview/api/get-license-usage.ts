import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type LicenseUsage = ListItem<"/api/v1/orgs/{org}/licenses">;

/** Every license (first 200) with its seats in use, for the overview; refreshed every 5 s. */
export const getLicenseUsage = (org: string) =>
  unwrap(api.GET("/api/v1/orgs/{org}/licenses", { params: { path: { org }, query: { page_size: 200 } } }));

export const getLicenseUsageQueryOptions = (org: string) =>
  queryOptions({
    queryKey: [...queryKeys.licenses(org), "usage"],
    queryFn: () => getLicenseUsage(org),
  });

export function useLicenseUsage(org: string) {
  return useQuery({ ...getLicenseUsageQueryOptions(org), refetchInterval: 5_000 });
}
