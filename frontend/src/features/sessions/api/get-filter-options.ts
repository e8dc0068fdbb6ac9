import { useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

// The choices of the sessions filters: the organization's people, licenses and
// projects by name (first 200 of each; a larger organization types into the
// person page instead).

export function usePeopleChoices(org: string) {
  return useQuery({
    queryKey: [...queryKeys.members(org), "choices"],
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{org}/members", { params: { path: { org } } })),
  });
}

export function useLicenseChoices(org: string) {
  return useQuery({
    queryKey: [...queryKeys.licenses(org), "choices"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/orgs/{org}/licenses", { params: { path: { org }, query: { page_size: 200 } } })),
  });
}

export function useProjectChoices(org: string) {
  return useQuery({
    queryKey: [...queryKeys.projects(org), "choices"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/orgs/{org}/projects", { params: { path: { org }, query: { page_size: 200 } } })),
  });
}
