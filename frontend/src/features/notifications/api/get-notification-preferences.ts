import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiData } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type NotificationPreferences = ApiData<"/api/v1/orgs/{org}/notification-preferences", "get">;

export const getNotificationPreferences = (org: string) =>
  unwrap(api.GET("/api/v1/orgs/{org}/notification-preferences", { params: { path: { org } } }));

export const getNotificationPreferencesQueryOptions = (org: string) =>
  queryOptions({ queryKey: queryKeys.notificationPreferences(org), queryFn: () => getNotificationPreferences(org) });

export function useNotificationPreferences(org: string) {
  return useQuery(getNotificationPreferencesQueryOptions(org));
}
