import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { makeMe, makeSession } from "@/testing/data";
import { mockApi } from "@/testing/mock-api";
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

describe("organization sessions", () => {
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

  it("offers no revoke to a viewer", async () => {
    cursorPages();
    renderApp("/orgs/acme/sessions", { me: makeMe("viewer") });
    const table = await screen.findByRole("table", { name: "Sessions" });
    expect(within(table).getByText("laptop-new")).toBeInTheDocument();
    expect(within(table).queryByRole("button", { name: /Revoke/ })).not.toBeInTheDocument();
  });
});
