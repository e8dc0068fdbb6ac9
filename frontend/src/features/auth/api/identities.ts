import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const identitiesQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.identities, queryFn: () => unwrap(api.GET("/api/v1/auth/identities")) });

export function useIdentities() {
  return useQuery(identitiesQueryOptions());
}

export function useRemoveIdentity() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(api.DELETE("/api/v1/auth/identities/{identity_id}", { params: { path: { identity_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.identities }),
  });
}
