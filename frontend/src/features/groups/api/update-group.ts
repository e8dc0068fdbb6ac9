import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type UpdateGroupInput = ApiBody<"/api/v1/orgs/{org}/groups/{group_id}", "patch">;

export const updateGroup = (org: string, groupId: string, body: UpdateGroupInput) =>
  unwrap(api.PATCH("/api/v1/orgs/{org}/groups/{group_id}", { params: { path: { org, group_id: groupId } }, body }));

export function useUpdateGroup(org: string, groupId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateGroupInput) => updateGroup(org, groupId, body),
    // Licenses show their rules by the group's slug: refresh them too.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.groups(org) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.licenses(org) }),
      ]),
  });
}
