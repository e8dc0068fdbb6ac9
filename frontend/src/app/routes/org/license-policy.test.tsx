import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { makeBucket, makeLicense, makeUtilization } from "@/testing/data";
import { mockApi, page } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

const apollo = { id: "44444444-4444-4444-8444-444444444444", name: "Apollo", slug: "apollo", description: "", created_at: "2026-11-01T10:00:00Z" };
const design = { id: "66666666-6666-4666-8666-666666666666", name: "Design", slug: "design", member_count: 3, created_at: "2026-11-01T10:00:00Z" };

function mockDetail(license: ReturnType<typeof makeLicense>) {
  mockApi.on("GET", "/api/v1/orgs/{org}/licenses/{license_id}", license);
  mockApi.on("GET", "/api/v1/orgs/{org}/licenses/{license_id}/sessions", page([]));
  mockApi.on("GET", "/api/v1/orgs/{org}/projects", page([apollo]));
  mockApi.on("GET", "/api/v1/orgs/{org}/groups", page([design]));
  mockApi.on("GET", "/api/v1/orgs/{org}/licenses/{license_id}/utilization", (req) => makeUtilization(req.query, [makeBucket(Date.now() - 60_000)], license.seats_total));
  mockApi.on("GET", "/api/v1/orgs/{org}/licenses/{license_id}/policy-use", {
    since: "2026-11-01T00:00:00Z",
    until: "2026-11-03T00:00:00Z",
    seats_total: license.seats_total,
    overage_allowance: license.overage_allowance,
    overage_seat_hours: 3.5,
    overage_peak: 2,
    overage_days: [
      { start: "2026-11-01T00:00:00Z", peak: 1, seat_hours: 1.5 },
      { start: "2026-11-02T00:00:00Z", peak: 2, seat_hours: 2 },
    ],
    // Only projects' rules are measured (the seat history records projects).
    projects: license.project_seats.filter((r) => r.project).map((r) => ({ ...r, peak_in_use: 2, seat_hours: 4, days: [{ start: "2026-11-01T00:00:00Z", peak_in_use: 2, seat_hours: 4 }] })),
  });
}

describe("license seat policy", () => {
  it("says plainly when more seats are in use than the license now allows", async () => {
    const license = makeLicense({ name: "Studio", seats_total: 5, seats_used: 7, seats_over: 2 });
    mockDetail(license);
    renderApp(`/orgs/acme/licenses/${license.id}`);
    expect(await screen.findByTestId("seats-over")).toHaveTextContent("7 of 5 in use — over until sessions end");
  });

  it("shows the overage and reservation use with the period's total", async () => {
    const license = makeLicense({
      seats_total: 25,
      overage_kind: "percent",
      overage_value: 25,
      overage_allowance: 6,
      project_seats: [{ project: apollo.id, slug: "apollo", reserved: 5, cap: 8 }],
    });
    mockDetail(license);
    renderApp(`/orgs/acme/licenses/${license.id}`);
    expect(await screen.findByTestId("overage-seat-hours")).toHaveTextContent("3.50");
    expect(screen.getByTestId("overage-peak")).toHaveTextContent("2 of 6 allowed");
    expect(screen.getByText("apollo: peak seats per day (5 reserved, capped at 8)")).toBeInTheDocument();
    expect(screen.getByText("Up to 6 extra")).toBeInTheDocument();
  });

  it("explains overage as it is set and saves reservations and caps", async () => {
    const license = makeLicense({ name: "Studio", seats_total: 25 });
    mockDetail(license);
    const { user } = renderApp(`/orgs/acme/licenses/${license.id}`);
    await user.click(await screen.findByRole("button", { name: "Edit" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit license" });
    await user.selectOptions(within(dialog).getByLabelText("Overage"), "percent");
    expect(within(dialog).getByText(/Up to 6 extra seats when all 25 are taken/)).toBeInTheDocument();
    await user.selectOptions(within(dialog).getByLabelText("Percentage"), "50");
    expect(within(dialog).getByText(/Up to 12 extra seats when all 25 are taken/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Add a seat rule" }));
    await user.selectOptions(within(dialog).getByLabelText("Project or group 1"), "Apollo");
    await user.type(within(dialog).getByLabelText("Reserved"), "5");
    await user.type(within(dialog).getByLabelText("Cap"), "8");
    expect(within(dialog).getByText(/5 of 25 seats reserved/)).toBeInTheDocument();
    mockApi.on("PATCH", "/api/v1/orgs/{org}/licenses/{license_id}", license);
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(mockApi.calls("PATCH")[0].body).toMatchObject({
      overage_kind: "percent",
      overage_value: 50,
      grace_days: 0,
      project_seats: [{ project: apollo.id, reserved: 5, cap: 8 }],
    });
  });

  it("offers groups of people beside projects in the seat rules and shows a group's rule", async () => {
    const license = makeLicense({
      name: "Studio",
      seats_total: 10,
      project_seats: [{ group: design.id, slug: "design", reserved: 3, cap: null }],
    });
    mockDetail(license);
    const { user } = renderApp(`/orgs/acme/licenses/${license.id}`);
    expect(await screen.findByText("Group design")).toBeInTheDocument();
    expect(screen.getByText("3 reserved")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Edit" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit license" });
    const first = within(dialog).getByLabelText("Project or group 1");
    expect(first).toHaveValue(`group:${design.id}`);
    expect(within(first).getByRole("group", { name: "Groups of people" })).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Add a seat rule" }));
    await user.selectOptions(within(dialog).getByLabelText("Project or group 2"), "Apollo");
    await user.type(within(dialog).getAllByLabelText("Cap")[1], "4");
    expect(within(dialog).getByText(/3 of 10 seats reserved/)).toBeInTheDocument();
    mockApi.on("PATCH", "/api/v1/orgs/{org}/licenses/{license_id}", license);
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(mockApi.calls("PATCH")[0].body).toMatchObject({
      project_seats: [
        { group: design.id, reserved: 3, cap: null },
        { project: apollo.id, reserved: 0, cap: 4 },
      ],
    });
  });

  it("renews a license, moving its expiry later", async () => {
    const license = makeLicense({ name: "Studio", expires_at: "2026-11-02T00:00:00Z", grace_days: 7, in_grace: true });
    mockDetail(license);
    const { user } = renderApp(`/orgs/acme/licenses/${license.id}`);
    expect(await screen.findByText("(in grace now: renew)")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Renew" }));
    const dialog = await screen.findByRole("dialog", { name: "Renew license" });
    mockApi.on("POST", "/api/v1/orgs/{org}/licenses/{license_id}/renew", { ...license, in_grace: false });
    await user.click(within(dialog).getByRole("button", { name: "Renew" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    const body = mockApi.calls("POST", "/api/v1/orgs/{org}/licenses/{license_id}/renew")[0].body as { expires_at: string };
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.now());
  });
});
