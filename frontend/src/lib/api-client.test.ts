import { describe, expect, it } from "vitest";

import { api } from "@/lib/api-client";
import { tokenStore } from "@/lib/token-store";
import { fakeJwt, makeMe } from "@/testing/data";
import { apiError, mockApi } from "@/testing/mock-api";

describe("the API client's session", () => {
  it("sends the access token", async () => {
    const access = fakeJwt();
    tokenStore.set({ access, refresh: "r1" });
    mockApi.on("GET", "/api/v1/auth/me", makeMe());
    await api.GET("/api/v1/auth/me");
    expect(mockApi.calls("GET", "/api/v1/auth/me")[0].headers.get("Authorization")).toBe(`Bearer ${access}`);
  });

  it("on a 401 refreshes once, keeps the rotated refresh token, and retries", async () => {
    tokenStore.set({ access: fakeJwt(), refresh: "r1" });
    const fresh = fakeJwt();
    mockApi.on("GET", "/api/v1/auth/me", (req) =>
      req.headers.get("Authorization") === `Bearer ${fresh}` ? makeMe() : apiError(401, "token_not_valid", "Expired"),
    );
    mockApi.on("POST", "/api/v1/auth/refresh", { access: fresh, refresh: "r2" });
    const { data, response } = await api.GET("/api/v1/auth/me");
    expect(response.status).toBe(200);
    expect(data?.email).toBe("alice@example.com");
    expect(mockApi.calls("POST", "/api/v1/auth/refresh").map((c) => c.body)).toEqual([{ refresh: "r1" }]);
    expect(tokenStore.getRefresh()).toBe("r2");
    expect(sessionStorage.getItem("coditect.refresh")).toBe("r2");
    expect(localStorage.length).toBe(0);
  });

  it("refreshes ahead of time when the access token is about to expire, so no 401 is ever seen", async () => {
    tokenStore.set({ access: fakeJwt(10), refresh: "r1" });
    mockApi.on("POST", "/api/v1/auth/refresh", { access: fakeJwt(), refresh: "r2" });
    mockApi.on("GET", "/api/v1/auth/me", makeMe());
    await api.GET("/api/v1/auth/me");
    expect(mockApi.calls("POST", "/api/v1/auth/refresh")).toHaveLength(1);
  });

  it("shares one refresh between concurrent requests", async () => {
    tokenStore.set({ access: fakeJwt(-60), refresh: "r1" });
    mockApi.on("POST", "/api/v1/auth/refresh", async () => {
      await new Promise((r) => setTimeout(r, 10));
      return { access: fakeJwt(), refresh: "r2" };
    });
    mockApi.on("GET", "/api/v1/auth/me", makeMe());
    await Promise.all([api.GET("/api/v1/auth/me"), api.GET("/api/v1/auth/me"), api.GET("/api/v1/auth/me")]);
    expect(mockApi.calls("POST", "/api/v1/auth/refresh")).toHaveLength(1);
  });

  it("ends the session as expired when the refresh token is refused", async () => {
    tokenStore.set({ access: fakeJwt(), refresh: "r1" });
    mockApi.on("GET", "/api/v1/auth/me", apiError(401, "token_not_valid", "Expired"));
    mockApi.on("POST", "/api/v1/auth/refresh", apiError(401, "token_not_valid", "Refresh expired"));
    const { response } = await api.GET("/api/v1/auth/me");
    expect(response.status).toBe(401);
    expect(tokenStore.getStatus()).toBe("expired");
    expect(tokenStore.getRefresh()).toBeNull();
    expect(sessionStorage.getItem("coditect.refresh")).toBeNull();
  });

  it("restores the session from this tab's sessionStorage after a reload", () => {
    sessionStorage.setItem("coditect.refresh", "r9");
    tokenStore.reset();
    expect(tokenStore.getStatus()).toBe("signed-in");
    expect(tokenStore.getAccess()).toBeNull();
  });
});
