import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type Webhook = ListItem<"/api/v1/orgs/{org}/webhooks">;

export const getWebhooks = (org: string, page: number, pageSize: number) =>
  unwrap(api.GET("/api/v1/orgs/{org}/webhooks", { params: { path: { org }, query: { page, page_size: pageSize } } }));

export const getWebhooksQueryOptions = (org: string, page: number, pageSize: number) =>
  queryOptions({
    queryKey: [...queryKeys.webhooks(org), "list", { page, pageSize }],
    queryFn: () => getWebhooks(org, page, pageSize),
    placeholderData: keepPreviousData,
  });

export function useWebhooks(org: string, page: number, pageSize: number) {
  return useQuery(getWebhooksQueryOptions(org, page, pageSize));
}
