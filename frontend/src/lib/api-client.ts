import createClient from "openapi-fetch";

import { tokenStore } from "@/lib/token-store";
import type { paths } from "@/types/api";

const baseUrl = globalThis.location?.origin ?? "";

// Calls that never carry the access token (and never trigger a refresh).
const ANONYMOUS = new Set([
  "/api/v1/auth/login",
  "/api/v1/auth/register",
  "/api/v1/auth/refresh",
  "/api/v1/auth/password/reset",
  "/api/v1/auth/password/reset/confirm",
  "/api/v1/auth/providers",
  "/api/v1/auth/login/two-factor",
]);

/** A client without the session: sign-in, register, refresh, password reset. */
export const publicApi = createClient<paths>({ baseUrl, fetch: (request) => globalThis.fetch(request) });

let refreshing: Promise<boolean> | null = null;

/**
 * Trade the refresh token for a new pair (the backend rotates it). One refresh
 * at a time: concurrent callers share the same promise. Resolves false when
 * the server refuses the refresh token; throws on a network failure.
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const refresh = tokenStore.getRefresh();
    if (!refresh) return false;
    const { data, response } = await publicApi.POST("/api/v1/auth/refresh", { body: { refresh } });
    // Someone signed out (or in again) while we waited: their tokens win.
    if (tokenStore.getRefresh() !== refresh) return tokenStore.getStatus() === "signed-in";
    if (!response.ok || !data) return false;
    tokenStore.set({ access: data.access, refresh: data.refresh });
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function withAccess(request: Request): Request {
  const access = tokenStore.getAccess();
  if (access) request.headers.set("Authorization", `Bearer ${access}`);
  return request;
}

/**
 * fetch for the signed-in client: refresh ahead of expiry (so the browser
 * never logs an avoidable 401), send the access token, and on a 401 refresh
 * once and retry. When the refresh token is refused the session has expired:
 * the token store says so and the router sends the user to sign in.
 */
export async function authFetch(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (ANONYMOUS.has(path)) return globalThis.fetch(request);

  if (tokenStore.getRefresh() && tokenStore.accessIsStale()) {
    if (!(await refreshSession())) tokenStore.clear("expired");
  }
  const retry = request.clone();
  const response = await globalThis.fetch(withAccess(request));
  if (response.status !== 401 || !tokenStore.getRefresh()) {
    if (response.status === 401 && tokenStore.getStatus() === "signed-in") tokenStore.clear("expired");
    return response;
  }
  if (await refreshSession()) return globalThis.fetch(withAccess(retry));
  tokenStore.clear("expired");
  return response;
}

/** The API client every feature uses. */
export const api = createClient<paths>({ baseUrl, fetch: authFetch });
