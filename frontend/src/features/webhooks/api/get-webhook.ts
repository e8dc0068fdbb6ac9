import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const getWebhook = (org: string, id: string) =>
  unwrap(api.GET("/api/v1/orgs/{org}/webhooks/{endpoint_id}", { params: { path: { org, endpoint_id: id } } }));

export const getWebhookQueryOptions = (org: string, id: string) =>
  queryOptions({ queryKey: queryKeys.webhook(org, id), queryFn: () => getWebhook(org, id) });

export function useWebhook(org: string, id: string) {
  return useQuery(getWebhookQueryOptions(org, id));
}
