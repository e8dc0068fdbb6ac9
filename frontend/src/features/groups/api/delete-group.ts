import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const deleteGroup = (org: string, groupId: string) =>
  unwrap(api.DELETE("/api/v1/orgs/{org}/groups/{group_id}", { params: { path: { org, group_id: groupId } } }));

export function useDeleteGroup(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (groupId: string) => deleteGroup(org, groupId),
    // A deleted group's seat rules leave the licenses that named it.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.groups(org) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.licenses(org) }),
      ]),
  });
}
