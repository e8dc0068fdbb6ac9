import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type CreateApiTokenInput = ApiBody<"/api/v1/orgs/{org}/api-tokens", "post">;

export const createApiToken = (org: string, body: CreateApiTokenInput) =>
  unwrap(api.POST("/api/v1/orgs/{org}/api-tokens", { params: { path: { org } }, body }));

/** Creates a token; the answer's `token` is the secret, shown once. */
export function useCreateApiToken(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiTokenInput) => createApiToken(org, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiTokens(org) }),
  });
}
