import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiQuery, ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type AuditEvent = ListItem<"/api/v1/orgs/{org}/audit-events">;
export type AuditQuery = ApiQuery<"/api/v1/orgs/{org}/audit-events", "get">;

export const getAuditEvents = (org: string, query: AuditQuery) =>
  unwrap(api.GET("/api/v1/orgs/{org}/audit-events", { params: { path: { org }, query } }));

export const getAuditEventsQueryOptions = (org: string, query: AuditQuery) =>
  queryOptions({
    queryKey: [...queryKeys.audit(org), "list", query],
    queryFn: () => getAuditEvents(org, query),
    placeholderData: keepPreviousData,
  });

export function useAuditEvents(org: string, query: AuditQuery) {
  return useQuery(getAuditEventsQueryOptions(org, query));
}
