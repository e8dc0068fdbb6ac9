import { useMutation } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody } from "@/lib/api-types";

export const changePassword = (body: ApiBody<"/api/v1/auth/password/change", "post">) =>
  unwrap(api.POST("/api/v1/auth/password/change", { body }));

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}
