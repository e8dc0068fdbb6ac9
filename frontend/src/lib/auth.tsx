import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSyncExternalStore, type ReactNode } from "react";
import { Navigate, useLocation } from "react-router";

import { FullPageSpinner } from "@/components/ui/states";
import { api, publicApi } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import type { ApiBody, ApiData, Role } from "@/lib/api-types";
import { queryKeys } from "@/lib/query-keys";
import { tokenStore } from "@/lib/token-store";

export type Me = ApiData<"/api/v1/auth/me", "get">;
export type AuthSession = ApiData<"/api/v1/auth/login", "post">;

/** An organization the signed-in user belongs to, and their role in it. */
export type OrgMembership = { id: string; slug: string; name: string; role: Role };

/** The one place that reads memberships out of `me`. */
export function membershipsOf(me: Me | undefined): OrgMembership[] {
  return (me?.memberships ?? []).map((m) => ({ id: m.org.id, slug: m.org.slug, name: m.org.name, role: m.role }));
}

export function useSessionStatus() {
  return useSyncExternalStore(tokenStore.subscribe, tokenStore.getStatus, tokenStore.getStatus);
}

export const meQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.me,
    queryFn: () => unwrap(api.GET("/api/v1/auth/me")),
    staleTime: 60_000,
  });

export function useMe() {
  const status = useSessionStatus();
  return useQuery({ ...meQueryOptions(), enabled: status === "signed-in" });
}

/** Begin a session with a token pair from any sign-in (password, provider, two-factor). */
export function useStartSession() {
  const queryClient = useQueryClient();
  return (session: { access: string; refresh: string; user?: Me }) => {
    // Nothing of a previous user may survive into this session.
    queryClient.clear();
    tokenStore.set({ access: session.access, refresh: session.refresh });
    if (session.user) queryClient.setQueryData(queryKeys.me, session.user);
  };
}

export function useSignIn() {
  const start = useStartSession();
  return useMutation({
    mutationFn: (body: ApiBody<"/api/v1/auth/login", "post">) =>
      unwrap(publicApi.POST("/api/v1/auth/login", { body })),
    onSuccess: start,
  });
}

export function useRegister() {
  const start = useStartSession();
  return useMutation({
    mutationFn: (body: ApiBody<"/api/v1/auth/register", "post">) =>
      unwrap(publicApi.POST("/api/v1/auth/register", { body })),
    onSuccess: start,
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const refresh = tokenStore.getRefresh();
      // Best effort: the tokens are forgotten here whatever the server says.
      if (refresh) await api.POST("/api/v1/auth/logout", { body: { refresh } }).catch(() => undefined);
    },
    onSettled: () => {
      tokenStore.clear("signed-out");
      queryClient.clear();
    },
  });
}

/** `?next=` for the sign-in page: where the user was. */
export function signInPath(location: { pathname: string; search: string }): string {
  const here = location.pathname + location.search;
  return here === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(here)}`;
}

/** A `next` that stays inside this app (no `//evil.example`). */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** Renders its children only with a session and the user loaded. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const status = useSessionStatus();
  const location = useLocation();
  const me = useMe();
  if (status !== "signed-in") {
    return <Navigate to={signInPath(location)} replace state={{ expired: status === "expired" }} />;
  }
  if (me.isPending) return <FullPageSpinner label="Loading your account" />;
  if (me.isError) throw me.error;
  return <>{children}</>;
}
