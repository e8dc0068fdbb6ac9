import { queryOptions, useQuery } from "@tanstack/react-query";

import { publicApi } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const getProviders = () => unwrap(publicApi.GET("/api/v1/auth/providers"));

export const providersQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.providers, queryFn: getProviders, staleTime: 5 * 60_000 });

/** The sign-in providers this server offers (only those with credentials). */
export function useProviders() {
  return useQuery(providersQueryOptions());
}
