import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const removeMember = (org: string, userId: string) =>
  unwrap(api.DELETE("/api/v1/orgs/{org}/members/{user_id}", { params: { path: { org, user_id: userId } } }));

export function useRemoveMember(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => removeMember(org, userId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.members(org) }),
  });
}
