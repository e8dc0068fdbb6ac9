import type { ApiErrorBody } from "@/lib/api-types";

export type FieldErrors = Record<string, string>;

/** A non-2xx answer of the API, as `{"error": {"code", "message", "details"}}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly fields: FieldErrors;

  constructor(status: number, body: unknown) {
    const error = (body as Partial<ApiErrorBody> | undefined)?.error;
    super(error?.message || `The server answered ${status}.`);
    this.name = "ApiError";
    this.status = status;
    this.code = error?.code ?? `http_${status}`;
    this.details = (error?.details as Record<string, unknown> | undefined) ?? {};
    this.fields = normalizeFields(this.details.fields);
  }
}

function normalizeFields(raw: unknown): FieldErrors {
  if (!raw || typeof raw !== "object") return {};
  const out: FieldErrors = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (Array.isArray(value)) out[name] = value.map(String).join(" ");
    else if (value && typeof value === "object") out[name] = Object.values(value).flat().map(String).join(" ");
    else if (value != null) out[name] = String(value);
  }
  return out;
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Turn an openapi-fetch result into its data, or throw an ApiError. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, error);
  return data as T;
}

/** A line a person can read, for any error a query or mutation may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return "Could not reach the server. Check your connection and try again.";
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
