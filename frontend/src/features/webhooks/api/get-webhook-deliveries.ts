import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type WebhookDelivery = ListItem<"/api/v1/orgs/{org}/webhooks/{endpoint_id}/deliveries">;

export const getWebhookDeliveries = (org: string, id: string, page: number, pageSize: number) =>
  unwrap(
    api.GET("/api/v1/orgs/{org}/webhooks/{endpoint_id}/deliveries", {
      params: { path: { org, endpoint_id: id }, query: { page, page_size: pageSize } },
    }),
  );

/** The delivery log; refreshed every few seconds while deliveries are pending. */
export const getWebhookDeliveriesQueryOptions = (org: string, id: string, page: number, pageSize: number) =>
  queryOptions({
    queryKey: [...queryKeys.webhookDeliveries(org, id), { page, pageSize }],
    queryFn: () => getWebhookDeliveries(org, id, page, pageSize),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.results.some((d) => d.status === "pending") ? 3000 : false),
  });

export function useWebhookDeliveries(org: string, id: string, page: number, pageSize: number) {
  return useQuery(getWebhookDeliveriesQueryOptions(org, id, page, pageSize));
}
