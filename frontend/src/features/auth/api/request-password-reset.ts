import { useMutation } from "@tanstack/react-query";

import { publicApi } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";

export const requestPasswordReset = (body: ApiBody<"/api/v1/auth/password/reset", "post">) =>
  unwrap(publicApi.POST("/api/v1/auth/password/reset", { body }));

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: requestPasswordReset });
}
