import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type CreateLicenseInput = ApiBody<"/api/v1/orgs/{org}/licenses", "post">;

export const createLicense = (org: string, body: CreateLicenseInput) =>
  unwrap(api.POST("/api/v1/orgs/{org}/licenses", { params: { path: { org } }, body }));

/** Creates a license; the answer carries `license_key`, shown once. */
export function useCreateLicense(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateLicenseInput) => createLicense(org, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.licenses(org) }),
  });
}
