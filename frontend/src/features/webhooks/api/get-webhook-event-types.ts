import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiData } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type WebhookEventType = ApiData<"/api/v1/orgs/{org}/webhook-event-types", "get">[number];

export const getWebhookEventTypes = (org: string) =>
  unwrap(api.GET("/api/v1/orgs/{org}/webhook-event-types", { params: { path: { org } } }));

export const getWebhookEventTypesQueryOptions = (org: string) =>
  queryOptions({
    queryKey: [...queryKeys.webhooks(org), "event-types"],
    queryFn: () => getWebhookEventTypes(org),
    staleTime: Infinity,
  });

export function useWebhookEventTypes(org: string) {
  return useQuery(getWebhookEventTypesQueryOptions(org));
}
