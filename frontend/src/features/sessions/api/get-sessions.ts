import { useInfiniteQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiQuery, ListItem } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type OrgSession = ListItem<"/api/v1/orgs/{org}/sessions">;
export type OrgSessionQuery = Omit<ApiQuery<"/api/v1/orgs/{org}/sessions", "get">, "cursor">;

/** The `cursor` of a `next` link: the server's opaque position, handed back as is. */
export function cursorOf(next: string | null | undefined): string | undefined {
  return next ? (new URL(next).searchParams.get("cursor") ?? undefined) : undefined;
}

/**
 * The organization's sessions, newest first, one cursor page after another: the
 * history has no total count and pages never shift while sessions start.
 */
export function useOrgSessions(org: string, query: OrgSessionQuery) {
  return useInfiniteQuery({
    queryKey: [...queryKeys.sessions(org), query],
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/api/v1/orgs/{org}/sessions", { params: { path: { org }, query: { ...query, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => cursorOf(last.next),
  });
}
