import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

const path = (org: string, licenseId: string) => ({ params: { path: { org, license_id: licenseId } } });

/** The people assigned to a license (first page of 200, by name). */
export function useLicenseAssignments(org: string, licenseId: string) {
  return useQuery({
    queryKey: [...queryKeys.license(org, licenseId), "assignments"],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/orgs/{org}/licenses/{license_id}/assignments", {
          params: { path: { org, license_id: licenseId }, query: { page_size: 200 } },
        }),
      ),
  });
}

export function useAssignPerson(org: string, licenseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (user: string) =>
      unwrap(api.POST("/api/v1/orgs/{org}/licenses/{license_id}/assignments", { ...path(org, licenseId), body: { user } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.license(org, licenseId) }),
  });
}

/** Unassigning also ends the person's live sessions of the license. */
export function useUnassignPerson(org: string, licenseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(
        api.DELETE("/api/v1/orgs/{org}/licenses/{license_id}/assignments/{user_id}", {
          params: { path: { org, license_id: licenseId, user_id: userId } },
        }),
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.license(org, licenseId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.sessions(org) }),
      ]),
  });
}

/** Members to assign (first 200). */
export function useMemberChoices(org: string) {
  return useQuery({
    queryKey: [...queryKeys.members(org), "choices"],
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{org}/members", { params: { path: { org } } })),
  });
}
