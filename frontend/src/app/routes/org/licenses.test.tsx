import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { makeLicense, makeMe, makeProject } from "@/testing/data";
import { apiError, mockApi, page } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

const projects = [makeProject({ name: "Apollo" })];

function mockList(results = [makeLicense({ name: "Studio", seats_total: 3, seats_used: 2 })], count?: number) {
  mockApi.on("GET", "/api/v1/orgs/{org}/licenses", page(results, count));
  mockApi.on("GET", "/api/v1/orgs/{org}/projects", page(projects));
  // The seat rules of the license form offer groups of people beside projects.
  mockApi.on("GET", "/api/v1/orgs/{org}/groups", page([]));
}

describe("licenses list", () => {
  it("shows loading, then each license with its seats in use", async () => {
    let release!: () => void;
    mockApi.on("GET", "/api/v1/orgs/{org}/projects", page(projects));
    mockApi.on("GET", "/api/v1/orgs/{org}/licenses", () => new Promise((r) => (release = () => r(page([makeLicense({ name: "Studio", seats_used: 2 })])))));
    renderApp("/orgs/acme/licenses");
    expect(await screen.findByText("Loading licenses…")).toBeInTheDocument();
    release();
    const table = await screen.findByRole("table", { name: "Licenses" });
    const row = within(table).getByRole("row", { name: /Studio/ });
    expect(within(row).getByRole("meter", { name: "Seats in use of Studio" })).toHaveAttribute("aria-valuenow", "2");
    expect(row).toHaveTextContent("2 / 3");
    expect(within(row).getByRole("link", { name: "Studio" })).toHaveAttribute("href", expect.stringMatching(/^\/orgs\/acme\/licenses\//));
  });

  it("sorts the page by a column header: names A→Z, seats in use most first, licenses that never expire last", async () => {
    const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
    mockList([
      makeLicense({ name: "Studio", seats_used: 1, expires_at: null }),
      makeLicense({ name: "Build farm", seats_used: 3, expires_at: inDays(90) }),
      makeLicense({ name: "Laptops", seats_used: 2, expires_at: inDays(7) }),
    ]);
    const { user } = renderApp("/orgs/acme/licenses");
    const table = await screen.findByRole("table", { name: "Licenses" });
    const names = () => within(table).getAllByRole("link").map((a) => a.textContent);
    const header = (name: string) => within(table).getByRole("columnheader", { name });
    const licenseCalls = () => mockApi.calls("GET", "/api/v1/orgs/{org}/licenses").length;
    expect(names()).toEqual(["Studio", "Build farm", "Laptops"]);
    const requestsBefore = licenseCalls();

    await user.click(within(table).getByRole("button", { name: "Name" }));
    expect(names()).toEqual(["Build farm", "Laptops", "Studio"]);
    expect(header("Name")).toHaveAttribute("aria-sort", "ascending");

    await user.click(within(table).getByRole("button", { name: "Seats in use" }));
    expect(names()).toEqual(["Build farm", "Laptops", "Studio"]);
    expect(header("Seats in use")).toHaveAttribute("aria-sort", "descending");
    expect(header("Name")).not.toHaveAttribute("aria-sort");
    await user.click(within(table).getByRole("button", { name: "Seats in use" }));
    expect(names()).toEqual(["Studio", "Laptops", "Build farm"]);
    expect(header("Seats in use")).toHaveAttribute("aria-sort", "ascending");

    await user.click(within(table).getByRole("button", { name: "Expires" }));
    expect(names()).toEqual(["Build farm", "Laptops", "Studio"]);
    await user.click(within(table).getByRole("button", { name: "Expires" }));
    expect(names()).toEqual(["Laptops", "Build farm", "Studio"]);
    expect(header("Expires")).toHaveAttribute("aria-sort", "ascending");

    // Sorting orders the page in the browser: no new request.
    expect(licenseCalls()).toBe(requestsBefore);
  });

  it("says so when there are none", async () => {
    mockList([]);
    renderApp("/orgs/acme/licenses");
    expect(await screen.findByText("No licenses yet")).toBeInTheDocument();
  });

  it("shows an error with a retry", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/projects", page(projects));
    mockApi.on("GET", "/api/v1/orgs/{org}/licenses", apiError(500, "server_error", "The server failed."));
    const { user } = renderApp("/orgs/acme/licenses");
    expect(await screen.findByText("The server failed.")).toBeInTheDocument();
    mockList();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("link", { name: "Studio" })).toBeInTheDocument();
  });

  it("filters by search, status and project through the API, and resets to page 1", async () => {
    mockList([makeLicense()], 45);
    const { user, router } = renderApp("/orgs/acme/licenses?page=2");
    await screen.findByRole("table", { name: "Licenses" });
    expect(mockApi.calls("GET", "/api/v1/orgs/{org}/licenses").at(-1)?.query.get("page")).toBe("2");

    await user.selectOptions(screen.getByLabelText("Status"), "suspended");
    await user.selectOptions(screen.getByLabelText("Project"), "Apollo");
    await user.type(screen.getByLabelText("Search"), "stu");
    await waitFor(() => expect(mockApi.calls("GET", "/api/v1/orgs/{org}/licenses").at(-1)?.query.get("search")).toBe("stu"));
    const query = mockApi.calls("GET", "/api/v1/orgs/{org}/licenses").at(-1)!.query;
    expect(query.get("status")).toBe("suspended");
    expect(query.get("project")).toBe(projects[0].id);
    expect(query.get("page")).toBe("1");
    expect(router.state.location.search).toContain("status=suspended");
  });

  it("pages through results", async () => {
    mockList([makeLicense()], 45);
    const { user } = renderApp("/orgs/acme/licenses");
    expect(await screen.findByText("1–20 of 45")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(mockApi.calls("GET", "/api/v1/orgs/{org}/licenses").at(-1)?.query.get("page")).toBe("2"));
    expect(await screen.findByText("21–40 of 45")).toBeInTheDocument();
  });

  it("does not offer to create a license to a viewer", async () => {
    mockList();
    renderApp("/orgs/acme/licenses", { me: makeMe("viewer") });
    await screen.findByRole("table", { name: "Licenses" });
    expect(screen.queryByRole("button", { name: "New license" })).not.toBeInTheDocument();
  });
});

describe("creating a license", () => {
  it("shows the API's field errors, then the key once with a copy button and a warning", async () => {
    mockList([]);
    const { user } = renderApp("/orgs/acme/licenses");
    await user.click(await screen.findByRole("button", { name: "New license" }));
    const dialog = await screen.findByRole("dialog", { name: "New license" });

    mockApi.on("POST", "/api/v1/orgs/{org}/licenses", apiError(400, "validation_error", "Some fields are invalid.", { seats_total: ["Ensure this value is greater than or equal to 1."] }));
    await user.type(within(dialog).getByLabelText("Name"), "Studio");
    await user.clear(within(dialog).getByLabelText("Seats"));
    await user.type(within(dialog).getByLabelText("Seats"), "0");
    await user.click(within(dialog).getByRole("button", { name: "Create license" }));
    expect(await within(dialog).findByText("Ensure this value is greater than or equal to 1.")).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByLabelText("Seats")).toHaveFocus());

    const created = { license: makeLicense({ name: "Studio", seats_total: 3 }), license_key: "lic_abc_SECRET" };
    mockApi.on("POST", "/api/v1/orgs/{org}/licenses", { status: 201, body: created });
    await user.clear(within(dialog).getByLabelText("Seats"));
    await user.type(within(dialog).getByLabelText("Seats"), "3");
    await user.selectOptions(within(dialog).getByLabelText("Project"), "Apollo");
    await user.click(within(dialog).getByRole("button", { name: "Create license" }));

    const shown = await screen.findByRole("dialog", { name: "License created" });
    expect(within(shown).getByTestId("secret-value")).toHaveTextContent("lic_abc_SECRET");
    expect(within(shown).getByRole("alert")).toHaveTextContent(/shown only once/);
    expect(mockApi.calls("POST", "/api/v1/orgs/{org}/licenses").at(-1)?.body).toEqual({
      name: "Studio",
      seats_total: 3,
      heartbeat_ttl: 360,
      expires_at: null,
      project: projects[0].id,
      overage_kind: "none",
      overage_value: 0,
      grace_days: 0,
      project_seats: [],
      queue_enabled: false,
      queue_max_length: 100,
      queue_ticket_ttl: 60,
      max_borrow_hours: 168,
      max_borrowed_seats: 0,
    });
    await user.click(within(shown).getByRole("button", { name: "Copy license key" }));
    // user-event stands in for the system clipboard.
    expect(await navigator.clipboard.readText()).toBe("lic_abc_SECRET");
    expect(await within(shown).findByText("Copied to the clipboard.")).toBeInTheDocument();

    // Closed, the key is gone for good.
    await user.click(within(shown).getByRole("button", { name: "I have copied the key" }));
    await waitFor(() => expect(screen.queryByText("lic_abc_SECRET")).not.toBeInTheDocument());
    expect(await screen.findByText("License created")).toBeInTheDocument(); // the toast
  });
});
