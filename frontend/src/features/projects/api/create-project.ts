import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type CreateProjectInput = ApiBody<"/api/v1/orgs/{org}/projects", "post">;

export const createProject = (org: string, body: CreateProjectInput) =>
  unwrap(api.POST("/api/v1/orgs/{org}/projects", { params: { path: { org } }, body }));

export function useCreateProject(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateProjectInput) => createProject(org, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.projects(org) }),
  });
}
