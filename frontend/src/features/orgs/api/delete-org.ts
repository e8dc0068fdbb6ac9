import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const deleteOrg = (org: string) => unwrap(api.DELETE("/api/v1/orgs/{org}", { params: { path: { org } } }));

export function useDeleteOrg(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteOrg(org),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.org(org) });
      return queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}
