import { useMutation } from "@tanstack/react-query";

import { api, publicApi } from "@/lib/api-client";
import { unwrap } from "@/lib/api-error";
import { useStartSession } from "@/lib/auth";

// What the browser must remember across the trip to the provider and back: the
// provider's answer lands on /sign-in/callback/:provider in this same tab.
const FLOW_KEY = "coditect.provider-flow";

export type ProviderFlow = { intent: "sign_in" | "link"; provider: string; next: string };

export function rememberFlow(flow: ProviderFlow) {
  sessionStorage.setItem(FLOW_KEY, JSON.stringify(flow));
}

/** The flow this tab started, once: reading it forgets it. */
export function takeFlow(provider: string): ProviderFlow | null {
  const raw = sessionStorage.getItem(FLOW_KEY);
  sessionStorage.removeItem(FLOW_KEY);
  if (!raw) return null;
  try {
    const flow = JSON.parse(raw) as ProviderFlow;
    return flow.provider === provider ? flow : null;
  } catch {
    return null;
  }
}

/** Ask the server for the provider's address (it keeps state, PKCE and nonce), then go. */
export async function startProviderFlow(flow: ProviderFlow) {
  const path = { params: { path: { provider: flow.provider } }, body: { intent: flow.intent } };
  const client = flow.intent === "link" ? api : publicApi;
  const { authorization_url } = await unwrap(client.POST("/api/v1/auth/providers/{provider}/start", path));
  rememberFlow(flow);
  window.location.assign(authorization_url);
}

export function useStartProviderFlow() {
  return useMutation({ mutationFn: startProviderFlow });
}

type Redirect = { provider: string; code: string; state: string };

/** Finish a sign-in: the same session a password sign-in starts. */
export function useFinishProviderSignIn() {
  const start = useStartSession();
  return useMutation({
    mutationFn: ({ provider, code, state }: Redirect) =>
      unwrap(
        publicApi.POST("/api/v1/auth/providers/{provider}/callback", {
          params: { path: { provider } },
          body: { code, state },
        }),
      ),
    onSuccess: start,
  });
}

/** Finish a link: the account joins the signed-in person's identities. */
export function useFinishProviderLink() {
  return useMutation({
    mutationFn: ({ provider, code, state }: Redirect) =>
      unwrap(api.POST("/api/v1/auth/identities", { body: { provider, code, state } })),
  });
}
