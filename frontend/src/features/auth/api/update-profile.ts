import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";

export const updateProfile = (body: ApiBody<"/api/v1/auth/me", "patch">) =>
  unwrap(api.PATCH("/api/v1/auth/me", { body }));

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateProfile,
    onSuccess: (me) => queryClient.setQueryData(queryKeys.me, me),
  });
}
