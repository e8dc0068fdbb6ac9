import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type CreateInvitationInput = ApiBody<"/api/v1/orgs/{org}/invitations", "post">;

export const createInvitation = (org: string, body: CreateInvitationInput) =>
  unwrap(api.POST("/api/v1/orgs/{org}/invitations", { params: { path: { org } }, body }));

export function useCreateInvitation(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateInvitationInput) => createInvitation(org, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.invitations(org) }),
  });
}
