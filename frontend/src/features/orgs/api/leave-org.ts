import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const leaveOrg = (org: string) => unwrap(api.DELETE("/api/v1/orgs/{org}/members/me", { params: { path: { org } } }));

/** Leaves the organization (refused for its last owner). */
export function useLeaveOrg(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => leaveOrg(org),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.org(org) });
      return queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}
