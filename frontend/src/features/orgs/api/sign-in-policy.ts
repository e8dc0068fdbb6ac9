import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type SignInPolicyInput = ApiBody<"/api/v1/orgs/{org}/sign-in-policy", "patch">;

export const signInPolicyQueryOptions = (org: string) =>
  queryOptions({
    queryKey: queryKeys.signInPolicy(org),
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{org}/sign-in-policy", { params: { path: { org } } })),
  });

export function useSignInPolicy(org: string, enabled: boolean) {
  return useQuery({ ...signInPolicyQueryOptions(org), enabled });
}

export function useUpdateSignInPolicy(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SignInPolicyInput) =>
      unwrap(api.PATCH("/api/v1/orgs/{org}/sign-in-policy", { params: { path: { org } }, body })),
    onSuccess: (saved) => queryClient.setQueryData(queryKeys.signInPolicy(org), saved),
  });
}
