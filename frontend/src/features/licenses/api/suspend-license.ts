import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const suspendLicense = (org: string, licenseId: string) =>
  unwrap(
    api.POST("/api/v1/orgs/{org}/licenses/{license_id}/suspend", { params: { path: { org, license_id: licenseId } } }),
  );

/** Suspends a license: acquires are refused until it is resumed. */
export function useSuspendLicense(org: string, licenseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => suspendLicense(org, licenseId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.licenses(org) }),
  });
}
