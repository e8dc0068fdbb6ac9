import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const deleteProject = (org: string, projectId: string) =>
  unwrap(api.DELETE("/api/v1/orgs/{org}/projects/{project_id}", { params: { path: { org, project_id: projectId } } }));

export function useDeleteProject(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (projectId: string) => deleteProject(org, projectId),
    // Licenses show their project: refresh them too.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.projects(org) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.licenses(org) }),
      ]),
  });
}
