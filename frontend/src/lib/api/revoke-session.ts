import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const revokeSession = (org: string, sessionId: string) =>
  unwrap(
    api.POST("/api/v1/orgs/{org}/sessions/{session_id}/revoke", { params: { path: { org, session_id: sessionId } } }),
  );

/** Ends a session now and frees its seat (from a license's live sessions and from the organization's). */
export function useRevokeSession(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) => revokeSession(org, sessionId),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.licenses(org) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.sessions(org) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.analytics(org) }),
      ]),
  });
}
