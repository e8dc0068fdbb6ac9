import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const rotateLicenseKey = (org: string, licenseId: string) =>
  unwrap(
    api.POST("/api/v1/orgs/{org}/licenses/{license_id}/rotate-key", {
      params: { path: { org, license_id: licenseId } },
    }),
  );

/** Issues a new key (shown once); the old key stops working. */
export function useRotateLicenseKey(org: string, licenseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => rotateLicenseKey(org, licenseId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.licenses(org) }),
  });
}
