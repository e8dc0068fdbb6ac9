import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const resumeLicense = (org: string, licenseId: string) =>
  unwrap(
    api.POST("/api/v1/orgs/{org}/licenses/{license_id}/resume", { params: { path: { org, license_id: licenseId } } }),
  );

export function useResumeLicense(org: string, licenseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => resumeLicense(org, licenseId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.licenses(org) }),
  });
}
