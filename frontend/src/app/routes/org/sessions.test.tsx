import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";

import { makeLicense, makeMe, makeMember, makeSession } from "@/testing/data";
import { mockApi, page } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

const newer = makeSession({ hardware_id: "laptop-new" });
const older = makeSession({ hardware_id: "laptop-old", status: "released", ended_at: "2026-11-26T09:00:00Z" });
const NEXT = "http://testserver/api/v1/orgs/acme/sessions?cursor=cD0yMDI2";

function cursorPages() {
  mockApi.on("GET", "/api/v1/orgs/{org}/sessions", (req) =>
    req.query.get("cursor") === "cD0yMDI2"
      ? { next: null, previous: NEXT, results: [older] }
      : { next: NEXT, previous: null, results: [newer] },
  );
}

const dana = makeMember({ name: "Dana Dev", email: "dana@example.com" });
const studio = makeLicense({ name: "Studio floating" });

describe("organization sessions", () => {
  beforeEach(() => {
    mockApi.on("GET", "/api/v1/orgs/{org}/members", page([dana]));
    mockApi.on("GET", "/api/v1/orgs/{org}/licenses", page([studio]));
    mockApi.on("GET", "/api/v1/orgs/{org}/projects", page([]));
  });

  it("names the person and the machine in words, and filters by person and license", async () => {
    const held = makeSession({
      hardware_id: "hw1-abcdef0123456789",
      license: studio.id,
      license_name: "Studio floating",
      user: dana.user_id,
      person: { id: dana.user_id, name: "Dana Dev", email: "dana@example.com" },
      client_info: { hostname: "dana-laptop", platform: "macOS-15", version: "1.4.0" },
    });
    mockApi.on("GET", "/api/v1/orgs/{org}/sessions", page([held]));
    const { user } = renderApp("/orgs/acme/sessions");
    const table = await screen.findByRole("table", { name: "Sessions" });
    const row = within(table).getAllByRole("row")[1];
    expect(row).toHaveTextContent("Dana Dev");
    expect(row).toHaveTextContent("dana-laptop");
    expect(row).toHaveTextContent("macOS-15 · client 1.4.0");
    expect(within(row).getByRole("link", { name: "Studio floating" })).toBeInTheDocument();
    expect(row).not.toHaveTextContent("Seat of group");
    expect(within(row).getByRole("link", { name: /Dana Dev/ })).toHaveAttribute("href", `/orgs/acme/people/${dana.user_id}`);
    await user.selectOptions(screen.getByLabelText("Person"), "Dana Dev");
    await user.selectOptions(screen.getByLabelText("License"), "Studio floating");
    await waitFor(() => {
      const query = mockApi.calls("GET", "/api/v1/orgs/{org}/sessions").at(-1)!.query;
      expect([query.get("user"), query.get("license")]).toEqual([dana.user_id, studio.id]);
    });
  });
  it("names the group of people a seat counted against", async () => {
    const held = makeSession({ license: studio.id, license_name: "Studio floating", group: "g1", group_name: "Design" });
    mockApi.on("GET", "/api/v1/orgs/{org}/sessions", page([held]));
    renderApp("/orgs/acme/sessions");
    const table = await screen.findByRole("table", { name: "Sessions" });
    expect(within(table).getAllByRole("row")[1]).toHaveTextContent("Studio floatingSeat of group Design");
  });

  it("loads older sessions by following the cursor", async () => {
    cursorPages();
    const { user } = renderApp("/orgs/acme/sessions");
    const table = await screen.findByRole("table", { name: "Sessions" });
    expect(within(table).getByText("laptop-new")).toBeInTheDocument();
    expect(within(table).queryByText("laptop-old")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Load older sessions" }));
    expect(await within(table).findByText("laptop-old")).toBeInTheDocument();
    expect(within(table).getByText("laptop-new")).toBeInTheDocument();
    expect(mockApi.calls("GET", "/api/v1/orgs/{org}/sessions").at(-1)!.query.get("cursor")).toBe("cD0yMDI2");
    expect(screen.queryByRole("button", { name: "Load older sessions" })).not.toBeInTheDocument();
    expect(screen.getByText("2 sessions shown")).toBeInTheDocument();
  });

  it("filters by status through the API and revokes a live session", async () => {
    cursorPages();
    const { user } = renderApp("/orgs/acme/sessions");
    await screen.findByRole("table", { name: "Sessions" });
    await user.selectOptions(screen.getByLabelText("Status"), "Live");
    await waitFor(() =>
      expect(mockApi.calls("GET", "/api/v1/orgs/{org}/sessions").at(-1)!.query.get("status")).toBe("active"),
    );
    mockApi.on("POST", "/api/v1/orgs/{org}/sessions/{session_id}/revoke", { ...newer, status: "revoked" });
    await user.click(await screen.findByRole("button", { name: "Revoke session of laptop-new" }));
    await user.click(await screen.findByRole("button", { name: "Revoke session" }));
    await waitFor(() => expect(mockApi.calls("POST")).toHaveLength(1));
    expect(mockApi.calls("POST")[0].params.session_id).toBe(newer.id);
  });

  it("says honestly that revoking a borrowed seat cannot recall its offline token", async () => {
    const until = "2026-12-09T12:00:00Z";
    const laptop = makeSession({ hardware_id: "travel-laptop", borrowed_until: until, expires_at: until });
    const revoked = makeSession({ hardware_id: "lost-laptop", borrowed_until: until, status: "revoked", ended_at: until });
    mockApi.on("GET", "/api/v1/orgs/{org}/sessions", { next: null, previous: null, results: [laptop, revoked] });
    const { user } = renderApp("/orgs/acme/sessions");
    const table = await screen.findByRole("table", { name: "Sessions" });
    const shown = new Date(until).toLocaleString();
    expect(within(table).getByText(`Revoked, token valid until ${shown}`)).toBeInTheDocument();
    expect(within(table).getByText(/\(borrowed\)/)).toBeInTheDocument();
    await user.click(within(table).getByRole("button", { name: "Revoke session of travel-laptop" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Revoke this borrowed seat?" });
    expect(dialog).toHaveTextContent(`stays valid until ${shown}: an offline token cannot be recalled`);
  });

  it("offers no revoke to a viewer", async () => {
    cursorPages();
    renderApp("/orgs/acme/sessions", { me: makeMe("viewer") });
    const table = await screen.findByRole("table", { name: "Sessions" });
    expect(within(table).getByText("laptop-new")).toBeInTheDocument();
    expect(within(table).queryByRole("button", { name: /Revoke/ })).not.toBeInTheDocument();
  });

  it("sorts the loaded sessions by a column header, and older pages join that order", async () => {
    const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
    const build10 = makeSession({ hardware_id: "build-10", started_at: minutesAgo(1) });
    const build2 = makeSession({ hardware_id: "build-2", started_at: minutesAgo(30) });
    const alpha = makeSession({ hardware_id: "alpha", started_at: minutesAgo(90), status: "released", ended_at: minutesAgo(5) });
    mockApi.on("GET", "/api/v1/orgs/{org}/sessions", (req) =>
      req.query.get("cursor") === "cD0yMDI2"
        ? { next: null, previous: NEXT, results: [alpha] }
        : { next: NEXT, previous: null, results: [build10, build2] },
    );
    const { user } = renderApp("/orgs/acme/sessions");
    const table = await screen.findByRole("table", { name: "Sessions" });
    // The machine column's first line: the hostname, else the start of the hardware id.
    const hardwareIds = () =>
      within(table)
        .getAllByRole("row")
        .slice(1)
        .map((row) => within(row).getAllByRole("cell")[1].firstElementChild?.firstElementChild?.textContent);
    const header = (name: string) => within(table).getByRole("columnheader", { name });

    // The API's order (newest first) until a header is used; nothing says otherwise.
    expect(hardwareIds()).toEqual(["build-10", "build-2"]);
    expect(within(table).getAllByRole("columnheader").filter((h) => h.hasAttribute("aria-sort"))).toEqual([]);
    expect(screen.getByText("Sorting a column orders the sessions loaded so far.")).toBeInTheDocument();

    // Text sorts A→Z first, numbers in it naturally (build-2 before build-10).
    await user.click(within(table).getByRole("button", { name: "Machine" }));
    expect(hardwareIds()).toEqual(["build-2", "build-10"]);
    expect(header("Machine")).toHaveAttribute("aria-sort", "ascending");

    // Older sessions are loaded into the sorted order, without a sort request.
    await user.click(screen.getByRole("button", { name: "Load older sessions" }));
    await within(table).findByText("alpha");
    expect(hardwareIds()).toEqual(["alpha", "build-2", "build-10"]);
    for (const call of mockApi.calls("GET", "/api/v1/orgs/{org}/sessions")) expect([...call.query.keys()]).not.toContain("ordering");

    // From the keyboard: Enter on the header's button flips the order.
    within(table).getByRole("button", { name: "Machine" }).focus();
    await user.keyboard("{Enter}");
    expect(hardwareIds()).toEqual(["build-10", "build-2", "alpha"]);
    expect(header("Machine")).toHaveAttribute("aria-sort", "descending");

    // Another column takes over: times sort newest first, by the instant, not the text.
    await user.click(within(table).getByRole("button", { name: "Started" }));
    expect(hardwareIds()).toEqual(["build-10", "build-2", "alpha"]);
    expect(header("Started")).toHaveAttribute("aria-sort", "descending");
    expect(header("Machine")).not.toHaveAttribute("aria-sort");
    await user.click(within(table).getByRole("button", { name: "Started" }));
    expect(hardwareIds()).toEqual(["alpha", "build-2", "build-10"]);
    expect(header("Started")).toHaveAttribute("aria-sort", "ascending");

    // A third press goes back to the API's order.
    await user.click(within(table).getByRole("button", { name: "Started" }));
    expect(hardwareIds()).toEqual(["build-10", "build-2", "alpha"]);
    expect(header("Started")).not.toHaveAttribute("aria-sort");

    // Sessions that have not ended stay last, whichever way "Ended" sorts.
    await user.click(within(table).getByRole("button", { name: "Ended" }));
    expect(header("Ended")).toHaveAttribute("aria-sort", "descending");
    expect(hardwareIds()[0]).toBe("alpha");
    await user.click(within(table).getByRole("button", { name: "Ended" }));
    expect(header("Ended")).toHaveAttribute("aria-sort", "ascending");
    expect(hardwareIds()[0]).toBe("alpha");
  });
});
