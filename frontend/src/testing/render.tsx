import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";

import { AppProvider } from "@/app/provider";
import { routes } from "@/app/router";
import { makeQueryClient } from "@/lib/query-client";
import { tokenStore } from "@/lib/token-store";
import { fakeJwt, makeMe } from "@/testing/data";
import { mockApi } from "@/testing/mock-api";
import type { Me } from "@/lib/auth";

type Options = {
  /** Signed in as this user (default: an owner of Acme); `null` for signed out. */
  me?: Me | null;
  /** The sign-in providers the server offers (default: none). */
  providers?: { id: string; name: string }[];
};

/** Render the whole app at `path`, like a user opening that address. */
export function renderApp(path: string, { me = makeMe(), providers = [] }: Options = {}) {
  if (me) {
    tokenStore.set({ access: fakeJwt(), refresh: "refresh-1" });
    mockApi.on("GET", "/api/v1/auth/me", me);
  }
  mockApi.on("GET", "/api/v1/auth/providers", { providers, id_token_exchange: false });
  const queryClient = makeQueryClient();
  queryClient.setDefaultOptions({
    queries: { ...queryClient.getDefaultOptions().queries, retry: false, refetchInterval: false, refetchOnWindowFocus: false },
  });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const user = userEvent.setup();
  const view = render(
    <AppProvider queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...view, user, router, queryClient };
}
