import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { apiError, mockApi } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

const request = {
  device_info: { hostname: "dana-laptop", platform: "Linux-6.1", client_version: "1.4.0" },
  ip_address: "203.0.113.9",
  created_at: "2026-12-06T10:00:00Z",
  expires_at: "2026-12-06T10:15:00Z",
  status: "pending",
};

describe("the device sign-in page", () => {
  it("shows what asks to sign in, and approves it", async () => {
    mockApi.on("POST", "/api/v1/auth/device/lookup", request);
    mockApi.on("POST", "/api/v1/auth/device/decide", { ...request, status: "approved" });
    const { user } = renderApp("/device?user_code=BCDF-GHJK");
    expect(await screen.findByLabelText("Code")).toHaveValue("BCDF-GHJK");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    const shown = await screen.findByRole("region", { name: "Sign-in request" });
    expect(shown).toHaveTextContent("dana-laptop");
    expect(shown).toHaveTextContent("1.4.0");
    expect(shown).toHaveTextContent("203.0.113.9");
    await user.click(screen.getByRole("button", { name: "Approve" }));
    expect(await screen.findByRole("status")).toHaveTextContent("is now signed in as alice@example.com");
    expect(mockApi.calls("POST", "/api/v1/auth/device/decide")[0].body).toEqual({ user_code: "BCDF-GHJK", approve: true });
  });

  it("denies, and says an unknown code is not valid", async () => {
    mockApi.on("POST", "/api/v1/auth/device/lookup", apiError(404, "invalid_user_code", "This code is not valid or has expired; start again from your terminal."), { once: true });
    const { user } = renderApp("/device");
    await user.type(await screen.findByLabelText("Code"), "zzzz-zzzz");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("not valid or has expired");
    mockApi.on("POST", "/api/v1/auth/device/lookup", request);
    mockApi.on("POST", "/api/v1/auth/device/decide", { ...request, status: "denied" });
    await user.click(screen.getByRole("button", { name: "Continue" }));
    await user.click(await screen.findByRole("button", { name: "Deny" }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("refused"));
  });
});
