import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const rotateWebhookSecret = (org: string, id: string) =>
  unwrap(
    api.POST("/api/v1/orgs/{org}/webhooks/{endpoint_id}/rotate-secret", {
      params: { path: { org, endpoint_id: id } },
      body: {},
    }),
  );

/** A new signing secret (shown once); the old one keeps signing for a day. */
export function useRotateWebhookSecret(org: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => rotateWebhookSecret(org, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.webhooks(org) }),
  });
}
