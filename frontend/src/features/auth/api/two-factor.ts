import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, publicApi } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { useStartSession } from "@/lib/auth";
import { queryKeys } from "@/lib/query-keys";

export const twoFactorQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.twoFactor, queryFn: () => unwrap(api.GET("/api/v1/auth/two-factor")) });

export function useTwoFactor() {
  return useQuery(twoFactorQueryOptions());
}

export function useStartTotpSetup() {
  return useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/auth/two-factor/totp")) });
}

function useTwoFactorChange<T>(call: (code: string) => Promise<T>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.twoFactor }),
  });
}

export const useConfirmTotp = () =>
  useTwoFactorChange((code) => unwrap(api.POST("/api/v1/auth/two-factor/totp/confirm", { body: { code } })));

export const useDisableTwoFactor = () =>
  useTwoFactorChange((code) => unwrap(api.POST("/api/v1/auth/two-factor/disable", { body: { code } })));

export const useNewRecoveryCodes = () =>
  useTwoFactorChange((code) => unwrap(api.POST("/api/v1/auth/two-factor/recovery-codes", { body: { code } })));

/** The second step of a password sign-in. */
export function useTwoFactorSignIn() {
  const start = useStartSession();
  return useMutation({
    mutationFn: (body: { mfa_token: string; code: string }) =>
      unwrap(publicApi.POST("/api/v1/auth/login/two-factor", { body })),
    onSuccess: start,
  });
}
