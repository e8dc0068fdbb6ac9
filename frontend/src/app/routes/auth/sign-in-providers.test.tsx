import { screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeJwt, makeMe } from "@/testing/data";
import { apiError, mockApi } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

const PROVIDERS = [
  { id: "google", name: "Google" },
  { id: "corp", name: "Corp SSO" },
];

afterEach(() => {
  sessionStorage.clear();
  vi.unstubAllGlobals();
});

describe("signing in with a provider", () => {
  it("offers only the configured providers and sends the browser to the one chosen", async () => {
    mockApi.on("POST", "/api/v1/auth/providers/{provider}/start", { authorization_url: "https://idp.example/authorize?state=s" });
    const assign = vi.fn();
    vi.stubGlobal("location", { ...window.location, assign, origin: window.location.origin });
    const { user } = renderApp("/sign-in?next=/orgs/acme/licenses", { me: null, providers: PROVIDERS });

    expect(await screen.findByRole("button", { name: "Continue with Google" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Continue with Corp SSO" }));

    await waitFor(() => expect(assign).toHaveBeenCalledWith("https://idp.example/authorize?state=s"));
    expect(mockApi.calls("POST")[0]).toMatchObject({ path: "/api/v1/auth/providers/corp/start", body: { intent: "sign_in" } });
    expect(JSON.parse(sessionStorage.getItem("coditect.provider-flow") ?? "{}")).toEqual({
      intent: "sign_in",
      provider: "corp",
      next: "/orgs/acme/licenses",
    });
  });

  it("shows no provider button when none is configured", async () => {
    renderApp("/sign-in", { me: null });
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Continue with/ })).not.toBeInTheDocument();
  });

  it("finishes the sign-in on the callback page and goes where the person was going", async () => {
    sessionStorage.setItem("coditect.provider-flow", JSON.stringify({ intent: "sign_in", provider: "corp", next: "/account" }));
    mockApi.on("POST", "/api/v1/auth/providers/{provider}/callback", { access: fakeJwt(), refresh: "r1", user: makeMe() });
    mockApi.on("GET", "/api/v1/auth/two-factor", { enabled: false, recovery_codes_left: 0, required_by: [] });
    mockApi.on("GET", "/api/v1/auth/identities", []);
    mockApi.on("GET", "/api/v1/auth/devices", []);
    const { router } = renderApp("/sign-in/callback/corp?code=c1&state=s1", { me: null });

    await waitFor(() => expect(router.state.location.pathname).toBe("/account"));
    expect(mockApi.calls("POST", "/api/v1/auth/providers/{provider}/callback")[0].body).toEqual({ code: "c1", state: "s1" });
  });

  it("shows the server's refusal on the callback page", async () => {
    mockApi.on(
      "POST",
      "/api/v1/auth/providers/{provider}/callback",
      apiError(409, "account_exists", "An account with this email address exists already."),
    );
    renderApp("/sign-in/callback/corp?code=c1&state=s1", { me: null });
    expect(await screen.findByRole("alert")).toHaveTextContent("An account with this email address exists already.");
    expect(screen.getByRole("link", { name: "Back to sign in" })).toBeInTheDocument();
  });
});

describe("two-factor at sign-in", () => {
  it("asks for the code after the password, then signs in", async () => {
    const { user, router } = renderApp("/sign-in?next=/account", { me: null });
    mockApi.on("POST", "/api/v1/auth/login", {
      status: 401,
      body: { error: { code: "two_factor_required", message: "Enter the code.", details: { mfa_token: "mfa-1" } } },
    });
    await user.type(await screen.findByLabelText("Email"), "alice@example.com");
    await user.type(screen.getByLabelText("Password"), "pw");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    mockApi.on("POST", "/api/v1/auth/login/two-factor", { access: fakeJwt(), refresh: "r1", user: makeMe() });
    mockApi.on("GET", "/api/v1/auth/two-factor", { enabled: true, recovery_codes_left: 10, required_by: [] });
    mockApi.on("GET", "/api/v1/auth/identities", []);
    await user.type(await screen.findByLabelText("Code"), "123456");
    await user.click(screen.getByRole("button", { name: "Verify" }));

    await waitFor(() => expect(router.state.location.pathname).toBe("/account"));
    expect(mockApi.calls("POST", "/api/v1/auth/login/two-factor")[0].body).toEqual({ mfa_token: "mfa-1", code: "123456" });
  });
});

describe("the account page", () => {
  it("sets up an authenticator and shows the recovery codes once", async () => {
    mockApi.on("GET", "/api/v1/auth/two-factor", { enabled: false, recovery_codes_left: 0, required_by: ["acme"] });
    mockApi.on("GET", "/api/v1/auth/identities", [
      { id: 1, provider: "corp", email: "alice@corp.example", created_at: "2026-11-01T10:00:00Z", last_used_at: null },
    ]);
    mockApi.on("GET", "/api/v1/auth/devices", []);
    mockApi.on("POST", "/api/v1/auth/two-factor/totp", { secret: "JBSWY3DPEHPK3PXP", otpauth_url: "otpauth://totp/x", qr_svg: "data:image/svg+xml;base64,PHN2Zy8+" });
    const { user } = renderApp("/account");

    expect(await screen.findByText(/acme requires two-factor/)).toBeInTheDocument();
    expect(screen.getByRole("list", { name: "Linked accounts" })).toHaveTextContent("alice@corp.example");
    await user.click(screen.getByRole("button", { name: "Set up an authenticator app" }));
    expect(await screen.findByRole("img", { name: /QR code/ })).toHaveAttribute("src", "data:image/svg+xml;base64,PHN2Zy8+");
    expect(screen.getByTestId("totp-secret")).toHaveTextContent("JBSWY3DPEHPK3PXP");

    mockApi.on("POST", "/api/v1/auth/two-factor/totp/confirm", { recovery_codes: ["aaaa-bbbb", "cccc-dddd"] });
    mockApi.on("GET", "/api/v1/auth/two-factor", { enabled: true, recovery_codes_left: 2, required_by: ["acme"] });
    await user.type(screen.getByLabelText("Code from the app"), "123456");
    await user.click(screen.getByRole("button", { name: "Turn on two-factor" }));

    expect(await screen.findByRole("list", { name: "Recovery codes" })).toHaveTextContent("aaaa-bbbb");
    await user.click(screen.getByRole("button", { name: "I saved them" }));
    expect(await screen.findByText(/2 recovery codes left/)).toBeInTheDocument();
    expect(screen.queryByText("aaaa-bbbb")).not.toBeInTheDocument();
  });
});
