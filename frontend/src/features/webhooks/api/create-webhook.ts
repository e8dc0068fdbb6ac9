import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type CreateWebhookInput = ApiBody<"/api/v1/orgs/{org}/webhooks", "post">;

export const createWebhook = (org: string, body: CreateWebhookInput) =>
  unwrap(api.POST("/api/v1/orgs/{org}/webhooks", { params: { path: { org } }, body }));

/** Creates an endpoint; the answer's `secret` is the signing secret, shown once. */
export function useCreateWebhook(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWebhookInput) => createWebhook(org, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.webhooks(org) }),
  });
}
