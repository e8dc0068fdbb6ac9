import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { seatTotals } from "@/features/overview/components/overview";
import { makeBucket, makeLicense, makeMe, makeUtilization } from "@/testing/data";
import { mockApi, page } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

describe("overview", () => {
  it("shows seats in use per license and in total, denials, and what expires soon", async () => {
    const studio = makeLicense({ name: "Studio", seats_total: 3, seats_used: 3 });
    const lab = makeLicense({ name: "Lab", seats_total: 5, seats_used: 1 });
    const soon = makeLicense({ name: "Trial", expires_at: new Date(Date.now() + 3 * 86_400_000).toISOString() });
    mockApi.on("GET", "/api/v1/orgs/{org}/licenses", (req) => (req.query.get("expiring_before") ? page([soon]) : page([studio, lab])));
    mockApi.on("GET", "/api/v1/orgs/{org}/analytics/utilization", (req) =>
      makeUtilization(req.query, [
        makeBucket(Date.now() - 2 * 3_600_000, { peak_in_use: 4, avg_in_use: 3, acquires: 5, denials: 2 }),
        makeBucket(Date.now(), { peak_in_use: 4, avg_in_use: 4, acquires: 1, denials: 1 }),
      ]),
    );
    renderApp("/orgs/acme");

    expect(await screen.findByRole("heading", { name: "Overview" })).toBeInTheDocument();
    expect(await screen.findByTestId("overview-seats")).toHaveTextContent("4 / 8");
    expect(await screen.findByTestId("overview-denials")).toHaveTextContent("3");
    expect(screen.getByTestId("overview-peak")).toHaveTextContent("4");
    const byLicense = screen.getByRole("table", { name: "Seats by license" });
    expect(within(byLicense).getByRole("meter", { name: "Seats in use of Studio" })).toHaveAttribute("aria-valuetext", "3 of 3 seats in use");
    expect(await screen.findByRole("link", { name: "Trial" })).toBeInTheDocument();
    expect(screen.getByRole("figure", { name: /peak 4 of 8 seats in use, 3 denied acquires/ })).toBeInTheDocument();
    const utilization = mockApi.calls("GET", "/api/v1/orgs/{org}/analytics/utilization")[0].query;
    expect(utilization.get("bucket")).toBe("hour");
    const expiring = mockApi.calls("GET", "/api/v1/orgs/{org}/licenses").find((c) => c.query.get("expiring_before"))!.query;
    expect(expiring.get("status")).toBe("active");
  });

  it("asks for the dates picked in the range picker", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/licenses", page([makeLicense({ name: "Studio", seats_total: 3, seats_used: 1 })]));
    mockApi.on("GET", "/api/v1/orgs/{org}/analytics/utilization", (req) => makeUtilization(req.query, []));
    const { user } = renderApp("/orgs/acme");
    await screen.findByTestId("utilization-chart");
    await user.click(screen.getByRole("button", { name: "Dates" }));
    const from = screen.getByLabelText("From");
    await user.clear(from);
    await user.type(from, "2026-11-01");
    const to = screen.getByLabelText("to");
    await user.clear(to);
    await user.type(to, "2026-11-07");
    const query = () => mockApi.calls("GET", "/api/v1/orgs/{org}/analytics/utilization").at(-1)!.query;
    await vi.waitFor(() => expect(query().get("since")).toBe(new Date("2026-11-01T00:00").toISOString()));
    expect(query().get("until")).toBe(new Date("2026-11-08T00:00").toISOString());
    expect(query().get("bucket")).toBe("hour");
    expect(screen.getByText(/^Peak in use, Nov 1 – Nov 7$/)).toBeInTheDocument();
  });

  it("invites an admin to create the first license", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/licenses", page([]));
    mockApi.on("GET", "/api/v1/orgs/{org}/analytics/utilization", (req) => makeUtilization(req.query, []));
    renderApp("/orgs/acme");
    expect(await screen.findByRole("link", { name: "Create a license" })).toHaveAttribute("href", "/orgs/acme/licenses");
    expect(screen.getByText("Nothing expires soon")).toBeInTheDocument();
  });

  it("sums seats over licenses", () => {
    expect(seatTotals([makeLicense({ seats_total: 3, seats_used: 2 }), makeLicense({ seats_total: 1, seats_used: 1 })])).toEqual({ used: 3, total: 4, granting: 2, percent: 75 });
    expect(seatTotals([])).toEqual({ used: 0, total: 0, granting: 0, percent: 0 });
    // A suspended 5-seat license is no capacity: 3 of 3, not 3 of 8.
    const suspended = makeLicense({ seats_total: 5, seats_used: 1, is_suspended: true, status: "suspended" });
    expect(seatTotals([makeLicense({ seats_total: 3, seats_used: 3 }), suspended])).toEqual({ used: 3, total: 3, granting: 1, percent: 100 });
  });

  it("answers an organization the user is not in like a missing one", async () => {
    renderApp("/orgs/someone-else", { me: makeMe("owner") });
    expect(await screen.findByRole("heading", { name: "No such organization" })).toBeInTheDocument();
  });
});
