import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type UpdateWebhookInput = ApiBody<"/api/v1/orgs/{org}/webhooks/{endpoint_id}", "patch">;

export const updateWebhook = (org: string, id: string, body: UpdateWebhookInput) =>
  unwrap(api.PATCH("/api/v1/orgs/{org}/webhooks/{endpoint_id}", { params: { path: { org, endpoint_id: id } }, body }));

export function useUpdateWebhook(org: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateWebhookInput) => updateWebhook(org, id, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.webhooks(org) }),
  });
}
