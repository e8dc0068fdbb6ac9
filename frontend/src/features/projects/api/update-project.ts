import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type UpdateProjectInput = ApiBody<"/api/v1/orgs/{org}/projects/{project_id}", "patch">;

export const updateProject = (org: string, projectId: string, body: UpdateProjectInput) =>
  unwrap(api.PATCH("/api/v1/orgs/{org}/projects/{project_id}", { params: { path: { org, project_id: projectId } }, body }));

export function useUpdateProject(org: string, projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateProjectInput) => updateProject(org, projectId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.projects(org) }),
  });
}
