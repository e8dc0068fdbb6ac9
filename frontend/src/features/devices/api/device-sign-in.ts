import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

/** What a CLI that asked to sign in said it is (RFC 8628 request, looked up by its code). */
export function useLookupDevice() {
  return useMutation({
    mutationFn: (user_code: string) => unwrap(api.POST("/api/v1/auth/device/lookup", { body: { user_code } })),
  });
}

/** Approve (the CLI gets a sign-in of this person) or deny the request. */
export function useDecideDevice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiBody<"/api/v1/auth/device/decide", "post">) =>
      unwrap(api.POST("/api/v1/auth/device/decide", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.devices }),
  });
}

export const deviceSignInsQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.devices, queryFn: () => unwrap(api.GET("/api/v1/auth/devices")) });

/** The person's CLI sign-ins, newest first. */
export function useDeviceSignIns() {
  return useQuery(deviceSignInsQueryOptions());
}

export function useRevokeDeviceSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (family_id: string) =>
      unwrap(api.DELETE("/api/v1/auth/devices/{family_id}", { params: { path: { family_id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.devices }),
  });
}
