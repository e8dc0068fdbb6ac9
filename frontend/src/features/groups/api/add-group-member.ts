import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const addGroupMember = (org: string, groupId: string, userId: string) =>
  unwrap(
    api.POST("/api/v1/orgs/{org}/groups/{group_id}/members", {
      params: { path: { org, group_id: groupId } },
      body: { user: userId },
    }),
  );

export function useAddGroupMember(org: string, groupId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => addGroupMember(org, groupId, userId),
    // The member count in the list changes too.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.groups(org) }),
  });
}
