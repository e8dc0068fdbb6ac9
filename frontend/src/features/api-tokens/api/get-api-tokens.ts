import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type ApiToken = ListItem<"/api/v1/orgs/{org}/api-tokens">;

export const getApiTokens = (org: string, page: number, pageSize: number) =>
  unwrap(api.GET("/api/v1/orgs/{org}/api-tokens", { params: { path: { org }, query: { page, page_size: pageSize } } }));

export const getApiTokensQueryOptions = (org: string, page: number, pageSize: number) =>
  queryOptions({
    queryKey: [...queryKeys.apiTokens(org), "list", { page, pageSize }],
    queryFn: () => getApiTokens(org, page, pageSize),
    placeholderData: keepPreviousData,
  });

export function useApiTokens(org: string, page: number, pageSize: number) {
  return useQuery(getApiTokensQueryOptions(org, page, pageSize));
}
