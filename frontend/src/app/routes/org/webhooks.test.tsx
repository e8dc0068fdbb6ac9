import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { makeMe } from "@/testing/data";
import { mockApi, page } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

const ID = "7a1c0b9e-0000-4000-8000-000000000007";
const ENDPOINT = {
  id: ID,
  url: "https://erp.example.com/coditect",
  description: "ERP",
  event_types: ["license.*"],
  is_enabled: true,
  disabled_reason: "",
  disabled_at: null,
  secret_prefix: "whsec_AbCd",
  previous_secret_expires_at: null,
  failing_since: null,
  consecutive_failures: 0,
  created_at: "2026-12-01T10:00:00Z",
  updated_at: "2026-12-01T10:00:00Z",
};
const TYPES = [
  { type: "license.created", description: "A license was created.", opt_in: false },
  { type: "session.started", description: "A seat was granted.", opt_in: true },
];
const DELIVERY = {
  id: "8b1c0b9e-0000-4000-8000-000000000008",
  webhook_id: "msg_8b1c0b9e000040008000000000000008",
  event_id: "9c1c0b9e-0000-4000-8000-000000000009",
  event_type: "license.created",
  status: "failed",
  attempts: 2,
  next_attempt_at: "2026-12-01T10:00:00Z",
  retry_until: "2026-12-04T10:00:00Z",
  last_status_code: 503,
  created_at: "2026-12-01T10:00:00Z",
  completed_at: "2026-12-04T10:00:00Z",
  attempt_log: [
    { number: 1, trigger: "automatic", started_at: "2026-12-01T10:00:00Z", succeeded: false, status_code: 503, latency_ms: 40, response_excerpt: "busy", error: "" },
    { number: 2, trigger: "automatic", started_at: "2026-12-01T10:01:00Z", succeeded: false, status_code: null, latency_ms: 5, response_excerpt: "", error: "Connection refused" },
  ],
};

describe("webhooks", () => {
  it("creates an endpoint with the chosen events and shows its secret once", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/webhooks", page([]));
    mockApi.on("GET", "/api/v1/orgs/{org}/webhook-event-types", TYPES);
    const { user } = renderApp("/orgs/acme/webhooks");
    expect(await screen.findByText("No webhook endpoints")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "New endpoint" }));
    const dialog = await screen.findByRole("dialog", { name: "New webhook endpoint" });
    await user.click(within(dialog).getByLabelText("URL"));
    await user.paste(ENDPOINT.url);
    await user.click(await within(dialog).findByRole("checkbox", { name: /license\.created/ }));
    await user.click(within(dialog).getByRole("checkbox", { name: /session\.started/ }));
    expect(within(dialog).getByText("(high volume)")).toBeInTheDocument();
    mockApi.on("POST", "/api/v1/orgs/{org}/webhooks", { status: 201, body: { ...ENDPOINT, secret: "whsec_SECRET" } });
    await user.click(within(dialog).getByRole("button", { name: "Create endpoint" }));
    const shown = await screen.findByRole("dialog", { name: "Endpoint created" });
    expect(within(shown).getByTestId("secret-value")).toHaveTextContent("whsec_SECRET");
    expect(mockApi.calls("POST")[0].body).toEqual({
      url: ENDPOINT.url,
      description: "",
      event_types: ["license.created", "session.started"],
    });
  });

  it("shows the delivery log with each attempt, and redelivers", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/webhooks/{endpoint_id}", ENDPOINT);
    mockApi.on("GET", "/api/v1/orgs/{org}/webhooks/{endpoint_id}/deliveries", page([DELIVERY]));
    const { user } = renderApp(`/orgs/acme/webhooks/${ID}`);
    const table = await screen.findByRole("table", { name: "Deliveries" });
    expect(within(table).getByText("failed")).toBeInTheDocument();
    expect(within(table).getByText(/Connection refused/)).toBeInTheDocument();
    mockApi.on("POST", "/api/v1/orgs/{org}/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver", {
      status: 202,
      body: { ...DELIVERY, status: "pending" },
    });
    await user.click(within(table).getByRole("button", { name: /Redeliver/ }));
    await waitFor(() => expect(mockApi.calls("POST")).toHaveLength(1));
    expect(mockApi.calls("POST")[0].params.delivery_id).toBe(DELIVERY.id);
    mockApi.on("POST", "/api/v1/orgs/{org}/webhooks/{endpoint_id}/test", { status: 202, body: { ...DELIVERY, status: "pending", attempts: 0, attempt_log: [] } });
    await user.click(screen.getByRole("button", { name: "Send test event" }));
    await waitFor(() => expect(mockApi.calls("POST", "/api/v1/orgs/{org}/webhooks/{endpoint_id}/test")).toHaveLength(1));
  });

  it("is not open to a member", async () => {
    renderApp("/orgs/acme/webhooks", { me: makeMe("member") });
    expect(await screen.findByRole("heading", { name: "No such page" })).toBeInTheDocument();
  });
});

describe("notification preferences", () => {
  it("saves each choice as it is made", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/notification-preferences", {
      utilization: true,
      denials_digest: true,
      license_expiring: true,
      endpoint_disabled: true,
    });
    mockApi.on("PATCH", "/api/v1/orgs/{org}/notification-preferences", (req) => ({
      utilization: true,
      denials_digest: false,
      license_expiring: true,
      endpoint_disabled: true,
      ...(req.body as object),
    }));
    const { user } = renderApp("/orgs/acme/notifications");
    const digest = await screen.findByRole("checkbox", { name: /Daily denials digest/ });
    expect(digest).toBeChecked();
    await user.click(digest);
    await waitFor(() => expect(mockApi.calls("PATCH")[0].body).toEqual({ denials_digest: false }));
    await waitFor(() => expect(screen.getByRole("checkbox", { name: /Daily denials digest/ })).not.toBeChecked());
  });
});
