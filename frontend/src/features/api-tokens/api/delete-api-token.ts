import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const deleteApiToken = (org: string, tokenId: string) =>
  unwrap(api.DELETE("/api/v1/orgs/{org}/api-tokens/{token_id}", { params: { path: { org, token_id: tokenId } } }));

export function useDeleteApiToken(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) => deleteApiToken(org, tokenId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiTokens(org) }),
  });
}
