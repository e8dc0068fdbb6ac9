import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { fakeJwt, makeMe, makeMember, makeProject, makeUtilization, ORG } from "@/testing/data";
import { apiError, mockApi, page } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

describe("API tokens", () => {
  it("creates a token and shows its secret once", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/api-tokens", page([]));
    const { user } = renderApp("/orgs/acme/api-tokens");
    expect(await screen.findByText("No API tokens")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "New API token" }));
    const dialog = await screen.findByRole("dialog", { name: "New API token" });
    await user.type(within(dialog).getByLabelText("Name"), "CI");
    await user.selectOptions(within(dialog).getByLabelText("Role"), "admin");
    mockApi.on("POST", "/api/v1/orgs/{org}/api-tokens", {
      status: 201,
      body: { id: "6f1c0b9e-0000-4000-8000-000000000006", name: "CI", role: "admin", prefix: "cot_ab12", created_by: null, created_at: "2026-11-26T10:00:00Z", last_used_at: null, revoked_at: null, token: "cot_ab12_SECRET" },
    });
    await user.click(within(dialog).getByRole("button", { name: "Create token" }));
    const shown = await screen.findByRole("dialog", { name: "API token created" });
    expect(within(shown).getByTestId("secret-value")).toHaveTextContent("cot_ab12_SECRET");
    expect(mockApi.calls("POST")[0].body).toEqual({ name: "CI", role: "admin" });
  });

  it("is not open to a member", async () => {
    renderApp("/orgs/acme/api-tokens", { me: makeMe("member") });
    expect(await screen.findByRole("heading", { name: "No such page" })).toBeInTheDocument();
  });
});

const bob = makeMember({ name: "Bob", email: "bob@example.com" });

describe("audit log", () => {
  it("filters by action, actor and time through the API", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/audit-events", page([
      { id: "a1", actor: { id: bob.user_id, email: "bob@example.com" }, actor_token: null, action: "license.suspend", target_type: "licenses.license", target_id: "L1", target_name: "Studio", target_exists: true, before: { is_suspended: false }, after: { is_suspended: true }, ip_address: "127.0.0.1", created_at: "2026-11-26T10:00:00Z" },
    ]));
    mockApi.on("GET", "/api/v1/orgs/{org}/members", page([bob]));
    const { user, router } = renderApp("/orgs/acme/audit");
    const table = await screen.findByRole("table", { name: "Audit events" });
    expect(within(table).getByText("license.suspend")).toBeInTheDocument();
    expect(within(table).getByText("bob@example.com")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Action"), "license.suspend");
    await user.selectOptions(screen.getByLabelText("Actor"), "Bob (bob@example.com)");
    await user.type(screen.getByLabelText("From"), "2026-11-01T00:00");
    await waitFor(() => {
      const q = mockApi.calls("GET", "/api/v1/orgs/{org}/audit-events").at(-1)!.query;
      expect(q.get("action")).toBe("license.suspend");
      expect(q.get("actor")).toBe(bob.user_id);
      expect(q.get("since")).toBe(new Date("2026-11-01T00:00").toISOString());
    });
    expect(router.state.location.search).toContain("action=license.suspend");
    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    // Back to the unfiltered list (served from the cache: same query as the first).
    await waitFor(() => expect(router.state.location.search).toBe(""));
    expect(screen.getByLabelText("Action")).toHaveValue("");
  });

  it("names each target, links to those that still exist, and shows only what changed", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/audit-events", page([
      { id: "a2", actor: null, actor_token: null, action: "license.update", target_type: "licenses.license", target_id: "L2", target_name: "Render farm", target_exists: true, before: { name: "Render", seats_total: 3 }, after: { name: "Render farm", seats_total: 3 }, ip_address: null, created_at: "2026-11-26T11:00:00Z" },
      { id: "a3", actor: null, actor_token: null, action: "license.delete", target_type: "licenses.license", target_id: "L3", target_name: "Old license", target_exists: false, before: { name: "Old license" }, after: null, ip_address: null, created_at: "2026-11-26T12:00:00Z" },
    ]));
    mockApi.on("GET", "/api/v1/orgs/{org}/members", page([bob]));
    const { user } = renderApp("/orgs/acme/audit");
    const table = await screen.findByRole("table", { name: "Audit events" });
    expect(within(table).getByRole("link", { name: "Render farm" })).toHaveAttribute("href", "/orgs/acme/licenses/L2");
    expect(within(table).queryByRole("link", { name: /Old license/ })).toBeNull();
    expect(within(table).getByText("(deleted)")).toBeInTheDocument();
    expect(within(table).queryByText("L2")).toBeNull(); // no bare ids
    const row = within(table).getByRole("link", { name: "Render farm" }).closest("tr")!;
    await user.click(within(row).getByText("1 field"));
    const change = within(row).getByText("name").closest("div")!;
    expect(within(change).getByText("Render", { selector: "del" })).toBeInTheDocument();
    expect(within(change).getByText("Render farm", { selector: "ins" })).toBeInTheDocument();
    expect(within(table).queryByText("seats_total")).toBeNull(); // unchanged, not shown
  });

  it("is not open to a viewer", async () => {
    renderApp("/orgs/acme/audit", { me: makeMe("viewer") });
    expect(await screen.findByRole("heading", { name: "No such page" })).toBeInTheDocument();
  });
});

describe("projects", () => {
  it("creates a project, showing field errors from the API", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/projects", page([]));
    const { user } = renderApp("/orgs/acme/projects");
    expect(await screen.findByText("No projects yet")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "New project" }));
    let dialog = await screen.findByRole("dialog", { name: "New project" });
    mockApi.on("POST", "/api/v1/orgs/{org}/projects", apiError(409, "conflict", "A project with this slug exists.", { slug: ["Taken."] }));
    await user.type(within(dialog).getByLabelText("Name"), "Apollo");
    await user.type(within(dialog).getByLabelText("Slug"), "apollo");
    await user.click(within(dialog).getByRole("button", { name: "Create project" }));
    expect(await within(dialog).findByText("Taken.")).toBeInTheDocument();
    // Closed and opened again, the dialog has forgotten the refusal.
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await user.click(screen.getByRole("button", { name: "New project" }));
    dialog = await screen.findByRole("dialog", { name: "New project" });
    expect(within(dialog).queryByText("Taken.")).not.toBeInTheDocument();
    await user.type(within(dialog).getByLabelText("Name"), "Apollo");

    const created = makeProject({ name: "Apollo", slug: "apollo-2" });
    mockApi.on("POST", "/api/v1/orgs/{org}/projects", { status: 201, body: created });
    mockApi.on("GET", "/api/v1/orgs/{org}/projects", page([created]));
    await user.clear(within(dialog).getByLabelText("Slug"));
    await user.type(within(dialog).getByLabelText("Slug"), "apollo-2");
    await user.type(within(dialog).getByLabelText("Description"), "Moon shot");
    await user.click(within(dialog).getByRole("button", { name: "Create project" }));
    expect(await screen.findByRole("cell", { name: "apollo-2" })).toBeInTheDocument();
    const bodies = mockApi.calls("POST", "/api/v1/orgs/{org}/projects").map((c) => c.body);
    expect(bodies).toEqual([
      { name: "Apollo", slug: "apollo", description: "" },
      { name: "Apollo", slug: "apollo-2", description: "Moon shot" },
    ]);
  });
});

describe("accepting an invitation", () => {
  it("creates the account, joins the organization and opens it", async () => {
    const { user, router } = renderApp("/accept-invitation?token=inv-token", { me: null });
    mockApi.on("POST", "/api/v1/invitations/accept", { organization: ORG, role: "member", email: "bob@example.com", user_created: true });
    mockApi.on("POST", "/api/v1/auth/login", { access: fakeJwt(), refresh: "r1", user: makeMe("member") });
    mockApi.on("GET", "/api/v1/auth/me", makeMe("member"));
    mockApi.on("GET", "/api/v1/orgs/{org}/licenses", page([]));
    mockApi.on("GET", "/api/v1/orgs/{org}/analytics/utilization", (req) => makeUtilization(req.query, []));
    await user.type(screen.getByLabelText("Name"), "Bob");
    await user.type(screen.getByLabelText("Password"), "a long password");
    await user.click(screen.getByRole("button", { name: "Create account and join" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/orgs/acme"));
    expect(mockApi.calls("POST", "/api/v1/invitations/accept")[0].body).toEqual({ token: "inv-token", name: "Bob", password: "a long password" });
    expect(mockApi.calls("POST", "/api/v1/auth/login")[0].body).toEqual({ email: "bob@example.com", password: "a long password" });
  });

  it("asks an existing user to sign in first", async () => {
    const { user } = renderApp("/accept-invitation?token=inv-token", { me: null });
    mockApi.on("POST", "/api/v1/invitations/accept", apiError(401, "sign_in_required", "Sign in as the invited user to accept."));
    await user.type(screen.getByLabelText("Password"), "whatever");
    await user.click(screen.getByRole("button", { name: "Create account and join" }));
    expect(await screen.findByText(/An account with the invited email already exists/)).toBeInTheDocument();
    expect(screen.getAllByRole("link", { name: "Sign in to accept" })[0]).toHaveAttribute("href", `/sign-in?next=${encodeURIComponent("/accept-invitation?token=inv-token")}`);
  });
});
