import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiQuery, ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type Project = ListItem<"/api/v1/orgs/{org}/projects">;
export type ProjectQuery = ApiQuery<"/api/v1/orgs/{org}/projects", "get">;

export const getProjects = (org: string, query: ProjectQuery) =>
  unwrap(api.GET("/api/v1/orgs/{org}/projects", { params: { path: { org }, query } }));

export const getProjectsQueryOptions = (org: string, query: ProjectQuery) =>
  queryOptions({
    queryKey: [...queryKeys.projects(org), "list", query],
    queryFn: () => getProjects(org, query),
    placeholderData: keepPreviousData,
  });

export function useProjects(org: string, query: ProjectQuery) {
  return useQuery(getProjectsQueryOptions(org, query));
}
