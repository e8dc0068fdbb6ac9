import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type UpdateOrgInput = ApiBody<"/api/v1/orgs/{org}", "patch">;

export const updateOrg = (org: string, body: UpdateOrgInput) =>
  unwrap(api.PATCH("/api/v1/orgs/{org}", { params: { path: { org } }, body }));

export function useUpdateOrg(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateOrgInput) => updateOrg(org, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}
