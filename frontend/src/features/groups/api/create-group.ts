import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type CreateGroupInput = ApiBody<"/api/v1/orgs/{org}/groups", "post">;

export const createGroup = (org: string, body: CreateGroupInput) =>
  unwrap(api.POST("/api/v1/orgs/{org}/groups", { params: { path: { org } }, body }));

export function useCreateGroup(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateGroupInput) => createGroup(org, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.groups(org) }),
  });
}
