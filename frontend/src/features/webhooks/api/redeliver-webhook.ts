import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const redeliverWebhook = (org: string, id: string, deliveryId: string) =>
  unwrap(
    api.POST("/api/v1/orgs/{org}/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver", {
      params: { path: { org, endpoint_id: id, delivery_id: deliveryId } },
    }),
  );

export function useRedeliverWebhook(org: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) => redeliverWebhook(org, id, deliveryId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.webhookDeliveries(org, id) }),
  });
}
