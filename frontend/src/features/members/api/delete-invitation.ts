import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const deleteInvitation = (org: string, invitationId: number) =>
  unwrap(
    api.DELETE("/api/v1/orgs/{org}/invitations/{invitation_id}", {
      params: { path: { org, invitation_id: invitationId } },
    }),
  );

export function useDeleteInvitation(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: number) => deleteInvitation(org, invitationId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.invitations(org) }),
  });
}
