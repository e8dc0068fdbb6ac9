import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export const deleteLicense = (org: string, licenseId: string) =>
  unwrap(api.DELETE("/api/v1/orgs/{org}/licenses/{license_id}", { params: { path: { org, license_id: licenseId } } }));

export function useDeleteLicense(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (licenseId: string) => deleteLicense(org, licenseId),
    onSuccess: (_data, licenseId) => {
      queryClient.removeQueries({ queryKey: queryKeys.license(org, licenseId) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.licenses(org) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.analytics(org) }),
      ]);
    },
  });
}
