import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { makeBucket, makeLicense, makeMe, makeSession, makeUtilization } from "@/testing/data";
import { apiError, mockApi, page } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

const license = makeLicense({ name: "Studio", seats_total: 3, seats_used: 2 });
const sessions = [makeSession({ hardware_id: "laptop-a" }), makeSession({ hardware_id: "laptop-b" })];

function mockDetail(overrides: { license?: object; sessions?: object[]; denials?: number } = {}) {
  const current = { ...license, ...overrides.license };
  mockApi.on("GET", "/api/v1/orgs/{org}/licenses/{license_id}", current);
  mockApi.on("GET", "/api/v1/orgs/{org}/licenses/{license_id}/sessions", page(overrides.sessions ?? sessions));
  mockApi.on("GET", "/api/v1/orgs/{org}/projects", page([]));
  mockApi.on("GET", "/api/v1/orgs/{org}/groups", page([]));
  mockApi.on("GET", "/api/v1/orgs/{org}/licenses/{license_id}/utilization", (req) =>
    makeUtilization(req.query, [makeBucket(Date.now() - 60_000, { peak_in_use: 3, avg_in_use: 2.5, acquires: 4, denials: overrides.denials ?? 1 })], 3),
  );
}

const path = `/orgs/acme/licenses/${license.id}`;

describe("license detail", () => {
  it("shows seats in use, live sessions and denials", async () => {
    mockDetail();
    renderApp(path);
    expect(await screen.findByRole("heading", { name: /Studio/ })).toBeInTheDocument();
    expect(screen.getByRole("meter", { name: "Seats in use" })).toHaveAttribute("aria-valuetext", "2 of 3 seats in use");
    const table = await screen.findByRole("table", { name: "Live sessions" });
    expect(within(table).getByText("laptop-a")).toBeInTheDocument();
    expect(within(table).getByText("laptop-b")).toBeInTheDocument();
    expect(await screen.findByTestId("license-denials")).toHaveTextContent("1");
    expect(mockApi.calls("GET", "/api/v1/orgs/{org}/licenses/{license_id}/sessions")[0].query.get("status")).toBe("active");
    expect(mockApi.calls("GET", "/api/v1/orgs/{org}/licenses/{license_id}/utilization")[0].query.get("bucket")).toBe("minute");
  });

  it("switches the chart to a day of hourly buckets", async () => {
    mockDetail();
    const { user } = renderApp(path);
    await user.click(await screen.findByRole("button", { name: "Day" }));
    await waitFor(() => expect(mockApi.calls("GET", "/api/v1/orgs/{org}/licenses/{license_id}/utilization").at(-1)?.query.get("bucket")).toBe("hour"));
    expect(screen.getByRole("button", { name: "Day" })).toHaveAttribute("aria-pressed", "true");
  });

  it("revokes a session after a confirmation, and says so", async () => {
    mockDetail();
    const { user } = renderApp(path);
    const table = await screen.findByRole("table", { name: "Live sessions" });
    await user.click(within(table).getByRole("button", { name: "Revoke session of laptop-a" }));
    const confirm = await screen.findByRole("alertdialog", { name: "Revoke this session?" });
    expect(mockApi.calls("POST")).toHaveLength(0);

    mockApi.on("POST", "/api/v1/orgs/{org}/sessions/{session_id}/revoke", { ...sessions[0], status: "revoked" });
    mockDetail({ sessions: [sessions[1]], license: { seats_used: 1 } });
    await user.click(within(confirm).getByRole("button", { name: "Revoke session" }));

    await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    expect(mockApi.calls("POST", "/api/v1/orgs/{org}/sessions/{session_id}/revoke")[0].params.session_id).toBe(sessions[0].id);
    expect(await screen.findByText("Session revoked")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText("laptop-a")).not.toBeInTheDocument());
    expect(screen.getByRole("meter", { name: "Seats in use" })).toHaveAttribute("aria-valuenow", "1");
  });

  it("cancelling a confirmation does nothing", async () => {
    mockDetail();
    const { user } = renderApp(path);
    await user.click(await screen.findByRole("button", { name: "Suspend" }));
    const confirm = await screen.findByRole("alertdialog");
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    expect(mockApi.calls("POST")).toHaveLength(0);
    expect(screen.getByRole("button", { name: "Suspend" })).toHaveFocus();
  });

  it("suspends, showing the new state, and then offers to resume", async () => {
    mockDetail();
    const { user } = renderApp(path);
    await user.click(await screen.findByRole("button", { name: "Suspend" }));
    const confirm = await screen.findByRole("alertdialog", { name: "Suspend this license?" });
    const suspended = { ...license, is_suspended: true, status: "suspended" };
    mockApi.on("POST", "/api/v1/orgs/{org}/licenses/{license_id}/suspend", suspended);
    mockDetail({ license: suspended });
    await user.click(within(confirm).getByRole("button", { name: "Suspend license" }));
    expect(await screen.findByText("License suspended")).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Resume" })).toBeInTheDocument();
    expect(screen.getAllByText("Suspended").length).toBeGreaterThan(0);
  });

  it("keeps the confirmation open with the error when the action fails", async () => {
    mockDetail();
    const { user } = renderApp(path);
    await user.click(await screen.findByRole("button", { name: "Suspend" }));
    const confirm = await screen.findByRole("alertdialog");
    mockApi.on("POST", "/api/v1/orgs/{org}/licenses/{license_id}/suspend", apiError(403, "permission_denied", "This needs the admin role; you are member."));
    await user.click(within(confirm).getByRole("button", { name: "Suspend license" }));
    expect(await within(confirm).findByRole("alert")).toHaveTextContent("This needs the admin role");
  });

  it("rotates the key and shows the new one once", async () => {
    mockDetail();
    const { user } = renderApp(path);
    await user.click(await screen.findByRole("button", { name: "Rotate key" }));
    mockApi.on("POST", "/api/v1/orgs/{org}/licenses/{license_id}/rotate-key", { license, license_key: "lic_new_KEY" });
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Rotate key" }));
    const shown = await screen.findByRole("dialog", { name: "New license key" });
    expect(within(shown).getByTestId("secret-value")).toHaveTextContent("lic_new_KEY");
  });

  it("edits seats, expiry and TTL", async () => {
    mockDetail();
    const { user } = renderApp(path);
    await user.click(await screen.findByRole("button", { name: "Edit" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit license" });
    expect(within(dialog).getByLabelText("Seats")).toHaveValue(3);
    mockApi.on("PATCH", "/api/v1/orgs/{org}/licenses/{license_id}", { ...license, seats_total: 5 });
    await user.clear(within(dialog).getByLabelText("Seats"));
    await user.type(within(dialog).getByLabelText("Seats"), "5");
    await user.clear(within(dialog).getByLabelText("Heartbeat TTL (seconds)"));
    await user.type(within(dialog).getByLabelText("Heartbeat TTL (seconds)"), "120");
    await user.type(within(dialog).getByLabelText("Expires"), "2027-01-31T12:00");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    const body = mockApi.calls("PATCH")[0].body as Record<string, unknown>;
    expect(body).toMatchObject({ seats_total: 5, heartbeat_ttl: 120, name: "Studio" });
    expect(new Date(body.expires_at as string).getTime()).toBe(new Date("2027-01-31T12:00").getTime());
  });

  it("deletes after a confirmation and goes back to the list", async () => {
    mockDetail();
    const { user, router } = renderApp(path);
    await user.click(await screen.findByRole("button", { name: "Delete" }));
    mockApi.on("DELETE", "/api/v1/orgs/{org}/licenses/{license_id}", { status: 204 });
    mockApi.on("GET", "/api/v1/orgs/{org}/licenses", page([]));
    await user.click(within(await screen.findByRole("alertdialog", { name: "Delete “Studio”?" })).getByRole("button", { name: "Delete license" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/orgs/acme/licenses"));
    expect(await screen.findByText("License deleted")).toBeInTheDocument();
  });

  it("shows a viewer no action and no revoke button", async () => {
    mockDetail();
    renderApp(path, { me: makeMe("viewer") });
    await screen.findByRole("table", { name: "Live sessions" });
    for (const name of ["Suspend", "Rotate key", "Delete", "Edit"]) {
      expect(screen.queryByRole("button", { name })).not.toBeInTheDocument();
    }
    expect(screen.queryByRole("button", { name: /Revoke/ })).not.toBeInTheDocument();
  });

  it("says when the license does not exist", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/licenses/{license_id}", apiError(404, "not_found", "Not found."));
    mockApi.on("GET", "/api/v1/orgs/{org}/projects", page([]));
    renderApp(path);
    expect(await screen.findByRole("heading", { name: "License not found" })).toBeInTheDocument();
  });
});
