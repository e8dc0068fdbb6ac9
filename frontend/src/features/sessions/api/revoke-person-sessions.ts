import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

/** Ends every live session of a person in the organization (their page's "Revoke all"). */
export function useRevokePersonSessions(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.POST("/api/v1/orgs/{org}/people/{user_id}/sessions/revoke", { params: { path: { org, user_id: userId } } })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.sessions(org) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.licenses(org) }),
      ]),
  });
}
