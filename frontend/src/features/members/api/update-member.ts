import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type UpdateMemberInput = ApiBody<"/api/v1/orgs/{org}/members/{user_id}", "patch">;

export const updateMember = (org: string, userId: string, body: UpdateMemberInput) =>
  unwrap(api.PATCH("/api/v1/orgs/{org}/members/{user_id}", { params: { path: { org, user_id: userId } }, body }));

/** Changes a member's role (the user's own role lives in `me`: refresh it too). */
export function useUpdateMember(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, ...body }: UpdateMemberInput & { userId: string }) => updateMember(org, userId, body),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.members(org) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      ]),
  });
}
