import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type AcceptInvitationInput = ApiBody<"/api/v1/invitations/accept", "post">;

/** Signed in: joins the organization. Signed out: also creates the account (name, password). */
export const acceptInvitation = (body: AcceptInvitationInput) =>
  unwrap(api.POST("/api/v1/invitations/accept", { body }));

export function useAcceptInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: acceptInvitation,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}
