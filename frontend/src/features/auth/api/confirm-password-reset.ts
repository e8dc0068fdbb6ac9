import { useMutation } from "@tanstack/react-query";

import { publicApi } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";

export const confirmPasswordReset = (body: ApiBody<"/api/v1/auth/password/reset/confirm", "post">) =>
  unwrap(publicApi.POST("/api/v1/auth/password/reset/confirm", { body }));

export function useConfirmPasswordReset() {
  return useMutation({ mutationFn: confirmPasswordReset });
}
