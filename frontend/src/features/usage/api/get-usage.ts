import { useQuery } from "@tanstack/react-query";

import { api, authFetch } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { queryKeys } from "@/lib/query-keys";

export type Window = { since?: string; until?: string };

/** Seat-seconds, sessions and peak per person or per project in the window. */
export function useBreakdown(org: string, by: "user" | "project", window: Window) {
  return useQuery({
    queryKey: [...queryKeys.analytics(org), "breakdown", by, window],
    queryFn: () =>
      unwrap(api.GET("/api/v1/orgs/{org}/analytics/breakdown", { params: { path: { org }, query: { by, ...window } } })),
  });
}

/** Refused acquires in the window, newest first (first page). */
export function useDenials(org: string, window: Window) {
  return useQuery({
    queryKey: [...queryKeys.analytics(org), "denials", window],
    queryFn: () =>
      unwrap(api.GET("/api/v1/orgs/{org}/analytics/denials", { params: { path: { org }, query: { ...window, page_size: 100 } } })),
  });
}

/**
 * Download a CSV export of the window. The access token lives in memory, so a
 * plain link cannot carry it: the file is fetched with it and handed to the
 * browser as a download.
 */
export async function downloadExport(org: string, kind: "sessions" | "usage" | "audit", range: Window) {
  const query = new URLSearchParams(Object.entries(range).filter(([, v]) => v) as [string, string][]);
  const response = await authFetch(new Request(new URL(`/api/v1/orgs/${org}/exports/${kind}.csv?${query}`, window.location.origin)));
  if (!response.ok) throw new Error(`The export failed (HTTP ${response.status}).`);
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: `${org}-${kind}.csv` });
  link.click();
  URL.revokeObjectURL(url);
}
