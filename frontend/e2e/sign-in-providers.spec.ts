import type { APIRequestContext, BrowserContext, Page } from "@playwright/test";

import { expect, test } from "./fixtures";

// Signing in through a real OpenID Connect provider (oidc-provider-mock, which
// e2e/global-setup.ts starts and the backend offers as "Corp SSO") in Chromium.

const oidcUrl = process.env.E2E_OIDC_URL ?? "";
const run = Date.now().toString(36);

/** An account at the provider, with the claims it will put in its ID token. */
async function providerAccount(request: APIRequestContext, sub: string, claims: Record<string, unknown>) {
  const response = await request.put(`${oidcUrl}/users/${sub}`, { data: claims });
  expect(response.status()).toBe(204);
}

/** The provider's page loads a stylesheet from a CDN: this machine has no network. */
async function noCdn(context: BrowserContext) {
  await context.route("https://cdn.jsdelivr.net/**", (route) => route.fulfill({ status: 200, contentType: "text/css", body: "" }));
}

/** At the provider: sign in as `sub` and consent. */
async function authorizeAt(page: Page, sub: string) {
  await expect(page).toHaveURL(new RegExp(`^${oidcUrl}/oauth2/authorize`));
  await page.getByPlaceholder("sub").fill(sub);
  await page.getByRole("button", { name: "Authorize" }).click();
}

test("a new person signs in with the company's provider and lands in the dashboard", async ({ context, page, request }) => {
  await noCdn(context);
  const sub = `nina-${run}`;
  await providerAccount(request, sub, { email: `nina+${run}@corp.example`, email_verified: true, name: "Nina New" });

  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Continue with Corp SSO" }).click();
  await authorizeAt(page, sub);

  await expect(page.getByRole("heading", { name: /Create (your|an) organization/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /Account menu/ })).toContainText("Nina New");
});

test("an existing person links the provider, then signs in with it", async ({ context, page, request, apiUrl }) => {
  await noCdn(context);
  const email = `olivia+${run}@corp.example`;
  const password = "correct horse battery staple";
  const registered = await request.post(`${apiUrl}/api/v1/auth/register`, { data: { email, password, name: "Olivia Old" } });
  expect(registered.status()).toBe(201);
  const sub = `olivia-${run}`;
  await providerAccount(request, sub, { email, email_verified: true, name: "Olivia at Corp" });

  // The same address at the provider never takes the account over by itself
  // (backend/users/tests/test_sign_in_attacks.py): she signs in with her
  // password and links the provider from her account page.
  await page.goto("/sign-in?next=/account");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Account settings" })).toBeVisible();
  await page.getByRole("button", { name: "Link Corp SSO" }).click();
  await authorizeAt(page, sub);
  await expect(page.getByRole("list", { name: "Linked accounts" })).toContainText(email);

  await page.getByRole("button", { name: /Account menu/ }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  await page.getByRole("button", { name: "Continue with Corp SSO" }).click();
  await authorizeAt(page, sub);
  await expect(page.getByRole("button", { name: /Account menu/ })).toContainText("Olivia Old");
});
