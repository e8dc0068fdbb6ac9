import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const sendTestWebhook = (org: string, id: string) =>
  unwrap(api.POST("/api/v1/orgs/{org}/webhooks/{endpoint_id}/test", { params: { path: { org, endpoint_id: id } } }));

export function useSendTestWebhook(org: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => sendTestWebhook(org, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.webhookDeliveries(org, id) }),
  });
}
