// Types of the API, derived from the generated schema (src/types/api.d.ts).
// Nothing here describes a request or a response by hand: every type is a
// lookup into `paths`, so a change in openapi.yaml shows up as a type error.
import type { HttpMethod, SuccessResponseJSON } from "openapi-typescript-helpers";

import type { components, paths } from "@/types/api";

type Operation<P extends keyof paths, M extends HttpMethod> = NonNullable<paths[P][M & keyof paths[P]]>;

/** The JSON body of a 2xx answer of `M P`. */
export type ApiData<P extends keyof paths, M extends HttpMethod> = SuccessResponseJSON<
  Operation<P, M> & Record<string | number, unknown>
>;

/** The JSON request body of `M P`. */
export type ApiBody<P extends keyof paths, M extends HttpMethod> =
  NonNullable<Operation<P, M>["requestBody"]> extends { content: { "application/json": infer B } } ? B : never;

/** The query parameters of `M P`. */
export type ApiQuery<P extends keyof paths, M extends HttpMethod> = NonNullable<
  Operation<P, M> extends { parameters: { query?: infer Q } } ? Q : never
>;

/** One item of a paginated list answer. */
export type ListItem<P extends keyof paths> =
  ApiData<P, "get"> extends { results: (infer T)[] } ? T : never;

/** owner | admin | member | viewer */
export type Role = ApiData<"/api/v1/auth/me", "get">["memberships"][number]["role"];
export type ApiErrorBody = components["schemas"]["Error"];
