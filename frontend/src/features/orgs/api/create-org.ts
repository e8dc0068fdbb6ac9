import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type CreateOrgInput = ApiBody<"/api/v1/orgs", "post">;

export const createOrg = (body: CreateOrgInput) => unwrap(api.POST("/api/v1/orgs", { body }));

/** Creates an organization (the user becomes its owner) and reloads `me`'s memberships. */
export function useCreateOrg() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createOrg,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
        queryClient.invalidateQueries({ queryKey: queryKeys.orgs, exact: true }),
      ]),
  });
}
