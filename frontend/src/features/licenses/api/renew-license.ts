import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const renewLicense = (org: string, licenseId: string, expiresAt: string) =>
  unwrap(
    api.POST("/api/v1/orgs/{org}/licenses/{license_id}/renew", {
      params: { path: { org, license_id: licenseId } },
      body: { expires_at: expiresAt },
    }),
  );

export function useRenewLicense(org: string, licenseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (expiresAt: string) => renewLicense(org, licenseId, expiresAt),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.licenses(org) }),
  });
}
