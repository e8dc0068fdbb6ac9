import { act, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { tokenStore } from "@/lib/token-store";
import { ORG, fakeJwt, makeMe, makeUtilization } from "@/testing/data";
import { apiError, mockApi, page } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

function mockLicensesPage() {
  mockApi.on("GET", "/api/v1/orgs/{org}/licenses", page([]));
  mockApi.on("GET", "/api/v1/orgs/{org}/projects", page([]));
}

describe("sign in", () => {
  it("sends a signed-out visitor to sign in, then back where they were going", async () => {
    mockLicensesPage();
    const { user, router } = renderApp("/orgs/acme/licenses?status=active", { me: null });

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/sign-in");
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent("/orgs/acme/licenses?status=active")}`);

    mockApi.on("POST", "/api/v1/auth/login", { access: fakeJwt(), refresh: "r1", user: makeMe() });
    await user.type(screen.getByLabelText("Email"), "alice@example.com");
    await user.type(screen.getByLabelText("Password"), "correct horse");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("heading", { name: "Licenses" })).toBeInTheDocument();
    expect(router.state.location.pathname + router.state.location.search).toBe("/orgs/acme/licenses?status=active");
    expect(mockApi.calls("POST", "/api/v1/auth/login")[0].body).toEqual({ email: "alice@example.com", password: "correct horse" });
  });

  it("shows the API's error and field errors, and focuses the field at fault", async () => {
    const { user } = renderApp("/sign-in", { me: null });
    mockApi.on("POST", "/api/v1/auth/login", apiError(400, "validation_error", "Some fields are invalid.", { email: ["Enter a valid email address."] }));
    await user.type(screen.getByLabelText("Email"), "nope");
    await user.type(screen.getByLabelText("Password"), "x");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByText("Enter a valid email address.")).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("Some fields are invalid.");
    const email = screen.getByLabelText("Email");
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveAccessibleDescription("Enter a valid email address.");
    await waitFor(() => expect(email).toHaveFocus());
  });

  it("does not follow a `next` that leaves the app", async () => {
    const { user, router } = renderApp("/sign-in?next=//evil.example/x", { me: null });
    mockApi.on("POST", "/api/v1/auth/login", { access: fakeJwt(), refresh: "r1", user: makeMe() });
    mockApi.on("GET", "/api/v1/orgs/{org}/licenses", page([]));
    mockApi.on("GET", "/api/v1/orgs/{org}/analytics/utilization", (req) => makeUtilization(req.query, []));
    await user.type(screen.getByLabelText("Email"), "alice@example.com");
    await user.type(screen.getByLabelText("Password"), "pw");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/orgs/${ORG.slug}`));
  });
});

describe("an expired session", () => {
  it("lands on sign in with a message, and signing in returns to the page", async () => {
    mockLicensesPage();
    const { user, router } = renderApp("/orgs/acme/projects");
    mockApi.on("GET", "/api/v1/orgs/{org}/projects", page([]));
    expect(await screen.findByRole("heading", { name: "Projects" })).toBeInTheDocument();

    // The refresh token has died on the server: the next call gets 401, the refresh is refused.
    mockApi.on("GET", "/api/v1/orgs/{org}/projects", apiError(401, "token_not_valid", "Expired"));
    mockApi.on("POST", "/api/v1/auth/refresh", apiError(401, "token_not_valid", "Expired"));
    tokenStore.set({ access: fakeJwt(-1) });
    await act(() => router.navigate("/orgs/acme/projects?search=x"));

    expect(await screen.findByText(/Your session has expired/)).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/sign-in");

    mockApi.on("GET", "/api/v1/orgs/{org}/projects", page([]));
    mockApi.on("POST", "/api/v1/auth/login", { access: fakeJwt(), refresh: "r2", user: makeMe() });
    await user.type(screen.getByLabelText("Email"), "alice@example.com");
    await user.type(screen.getByLabelText("Password"), "pw");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("heading", { name: "Projects" })).toBeInTheDocument();
    expect(router.state.location.search).toBe("?search=x");
  });
});

describe("register", () => {
  it("creates the account, then asks for a first organization and opens it", async () => {
    const { user, router } = renderApp("/register", { me: null });
    const newUser = makeMe("owner", { memberships: [] });
    mockApi.on("POST", "/api/v1/auth/register", { access: fakeJwt(), refresh: "r1", user: newUser });
    await user.type(screen.getByLabelText("Name"), "Dana");
    await user.type(screen.getByLabelText("Email"), "dana@example.com");
    await user.type(screen.getByLabelText("Password"), "a long password");
    mockApi.on("GET", "/api/v1/auth/me", newUser);
    await user.click(screen.getByRole("button", { name: "Create account" }));

    expect(await screen.findByRole("heading", { name: "Create your organization" })).toBeInTheDocument();
    mockApi.on("POST", "/api/v1/orgs", apiError(400, "validation_error", "Some fields are invalid.", { slug: ["This slug is taken."] }));
    await user.type(screen.getByLabelText("Organization name"), "Acme Corp");
    await user.type(screen.getByLabelText(/Short name/), "acme");
    await user.click(screen.getByRole("button", { name: "Create organization" }));
    expect(await screen.findByText("This slug is taken.")).toBeInTheDocument();

    mockApi.on("POST", "/api/v1/orgs", { status: 201, body: { ...ORG, created_at: "2026-11-26T10:00:00Z" } });
    mockApi.on("GET", "/api/v1/auth/me", makeMe("owner"));
    mockApi.on("GET", "/api/v1/orgs/{org}/licenses", page([]));
    mockApi.on("GET", "/api/v1/orgs/{org}/analytics/utilization", (req) => makeUtilization(req.query, []));
    await user.click(screen.getByRole("button", { name: "Create organization" }));
    expect(await screen.findByRole("heading", { name: "Overview" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/orgs/acme");
    expect(mockApi.calls("POST", "/api/v1/orgs").at(-1)?.body).toEqual({ name: "Acme Corp", slug: "acme" });
  });
});

describe("sign out", () => {
  it("revokes the refresh token, forgets the session and shows sign in", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/projects", page([]));
    const { user, router } = renderApp("/orgs/acme/projects");
    await screen.findByRole("heading", { name: "Projects" });
    mockApi.on("POST", "/api/v1/auth/logout", { status: 204 });
    await user.click(screen.getByRole("button", { name: /^Account menu/ }));
    await user.click(await screen.findByRole("menuitem", { name: "Sign out" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/sign-in"));
    expect(mockApi.calls("POST", "/api/v1/auth/logout")[0].body).toEqual({ refresh: "refresh-1" });
    expect(sessionStorage.getItem("coditect.refresh")).toBeNull();
    expect(screen.queryByText(/Your session has expired/)).not.toBeInTheDocument();
  });
});
