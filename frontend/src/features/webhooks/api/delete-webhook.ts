import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const deleteWebhook = (org: string, id: string) =>
  unwrap(api.DELETE("/api/v1/orgs/{org}/webhooks/{endpoint_id}", { params: { path: { org, endpoint_id: id } } }));

export function useDeleteWebhook(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteWebhook(org, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.webhooks(org) }),
  });
}
