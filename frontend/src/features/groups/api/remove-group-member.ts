import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const removeGroupMember = (org: string, groupId: string, userId: string) =>
  unwrap(
    api.DELETE("/api/v1/orgs/{org}/groups/{group_id}/members/{user_id}", {
      params: { path: { org, group_id: groupId, user_id: userId } },
    }),
  );

export function useRemoveGroupMember(org: string, groupId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => removeGroupMember(org, groupId, userId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.groups(org) }),
  });
}
