import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type UpdateLicenseInput = ApiBody<"/api/v1/orgs/{org}/licenses/{license_id}", "patch">;

export const updateLicense = (org: string, licenseId: string, body: UpdateLicenseInput) =>
  unwrap(
    api.PATCH("/api/v1/orgs/{org}/licenses/{license_id}", {
      params: { path: { org, license_id: licenseId } },
      body,
    }),
  );

export function useUpdateLicense(org: string, licenseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateLicenseInput) => updateLicense(org, licenseId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.licenses(org) }),
  });
}
