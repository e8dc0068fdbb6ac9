import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export type UpdateNotificationPreferencesInput = ApiBody<"/api/v1/orgs/{org}/notification-preferences", "patch">;

export const updateNotificationPreferences = (org: string, body: UpdateNotificationPreferencesInput) =>
  unwrap(api.PATCH("/api/v1/orgs/{org}/notification-preferences", { params: { path: { org } }, body }));

export function useUpdateNotificationPreferences(org: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateNotificationPreferencesInput) => updateNotificationPreferences(org, body),
    onSuccess: (data) => queryClient.setQueryData(queryKeys.notificationPreferences(org), data),
  });
}
