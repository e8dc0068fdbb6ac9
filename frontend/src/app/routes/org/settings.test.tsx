import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { makeMe } from "@/testing/data";
import { apiError, mockApi } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

const POLICY = { require_two_factor: false, sign_in_provider: "", sso_only: false, sign_in_domains: [], auto_join: false };

describe("organization settings", () => {
  it("renames the organization and follows a new slug", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/sign-in-policy", POLICY);
    const { user, router } = renderApp("/orgs/acme/settings");
    const name = await screen.findByLabelText("Name");
    mockApi.on("PATCH", "/api/v1/orgs/{org}", { id: "x", name: "Acme Inc", slug: "acme-inc", role: "owner", created_at: "2026-11-01T00:00:00Z" });
    mockApi.on("GET", "/api/v1/auth/me", makeMe("owner", { memberships: [{ org: { id: "x", slug: "acme-inc", name: "Acme Inc" }, role: "owner" }] }));
    await user.clear(name);
    await user.type(name, "Acme Inc");
    await user.clear(screen.getByLabelText("Slug"));
    await user.type(screen.getByLabelText("Slug"), "acme-inc");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/orgs/acme-inc/settings"));
    expect(mockApi.calls("PATCH")[0].body).toEqual({ name: "Acme Inc", slug: "acme-inc" });
  });

  it("shows a viewer the settings read-only, without delete", async () => {
    renderApp("/orgs/acme/settings", { me: makeMe("viewer") });
    expect(await screen.findByLabelText("Name")).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Save" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete organization" })).not.toBeInTheDocument();
  });

  it("says why the last owner cannot leave", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/sign-in-policy", POLICY);
    const { user } = renderApp("/orgs/acme/settings");
    await user.click(await screen.findByRole("button", { name: "Leave organization" }));
    mockApi.on("DELETE", "/api/v1/orgs/{org}/members/me", apiError(409, "last_owner", "The last owner cannot leave."));
    const dialog = await screen.findByRole("alertdialog");
    await user.click(within(dialog).getByRole("button", { name: "Leave organization" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("The last owner cannot leave.");
  });

  it("lets an owner make the organization sign in through its provider only", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/sign-in-policy", POLICY);
    const { user } = renderApp("/orgs/acme/settings", { providers: [{ id: "okta", name: "Acme Okta" }] });
    await user.selectOptions(await screen.findByLabelText("Your identity provider"), "okta");
    await user.type(screen.getByLabelText("Email domains"), "acme.example, acme.dev");
    await user.click(screen.getByLabelText(/Sign in only through your identity provider/));
    mockApi.on("PATCH", "/api/v1/orgs/{org}/sign-in-policy", (req) => ({ ...POLICY, ...(req.body as object) }));
    await user.click(screen.getByRole("button", { name: "Save sign-in policy" }));
    await waitFor(() => expect(mockApi.calls("PATCH", "/api/v1/orgs/{org}/sign-in-policy")).toHaveLength(1));
    expect(mockApi.calls("PATCH", "/api/v1/orgs/{org}/sign-in-policy")[0].body).toEqual({
      sign_in_provider: "okta",
      sign_in_domains: ["acme.example", "acme.dev"],
      require_two_factor: false,
      sso_only: true,
      auto_join: false,
    });
  });

  it("shows an admin the sign-in policy read-only", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/sign-in-policy", { ...POLICY, require_two_factor: true });
    renderApp("/orgs/acme/settings", { me: makeMe("admin") });
    expect(await screen.findByLabelText(/Require two-factor/)).toBeChecked();
    expect(screen.getByLabelText(/Require two-factor/)).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Save sign-in policy" })).not.toBeInTheDocument();
  });
});
