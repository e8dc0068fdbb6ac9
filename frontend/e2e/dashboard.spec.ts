import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Page } from "@playwright/test";

import { expect, test } from "./fixtures";

// A test run keeps its screenshots out of the tree (var/ is ignored); `make screenshots`
// points SCREENSHOTS_DIR at docs/screenshots to refresh the committed ones.
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const screenshots = process.env.SCREENSHOTS_DIR || join(repo, "var", "screenshots");
mkdirSync(screenshots, { recursive: true });

const run = Date.now().toString(36);
const owner = { name: "Erin Example", email: `erin+${run}@example.com`, password: "correct horse battery staple" };

async function acquire(request: APIRequestContext, apiUrl: string, licenseKey: string, hardwareId: string) {
  const response = await request.post(`${apiUrl}/api/v1/licenses/acquire`, {
    data: { license_key: licenseKey, hardware_id: hardwareId },
    failOnStatusCode: false,
  });
  return { status: response.status(), body: await response.json() };
}

/** Close the result toasts, so that screenshots show the page under them. */
async function dismissToasts(page: Page) {
  const close = page.getByRole("button", { name: "Dismiss" });
  while ((await close.count()) > 0) await close.first().click();
  await expect(close).toHaveCount(0);
}

/** No WCAG 2.1 A/AA violation that axe can find on the page as it is now. */
async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

async function confirm(page: Page, trigger: RegExp | string, confirmLabel: string) {
  await page.getByRole("button", { name: trigger }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: confirmLabel }).click();
  await expect(dialog).toBeHidden();
}

test("an owner sells three seats, watches them fill up, revokes one and suspends the license", async ({ page, request, apiUrl }) => {
  let licenseKey = "";
  let licenseUrl = "";

  await test.step("register", async () => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Name").fill(owner.name);
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: "Create your organization" })).toBeVisible();
  });

  await test.step("create an organization", async () => {
    await page.getByLabel("Organization name").fill("Example Studios");
    await page.getByLabel(/Short name/).fill(`example-${run}`);
    await page.getByRole("button", { name: "Create organization" }).click();
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/orgs/example-${run}$`));
  });

  await test.step("create a 3-seat license and copy its key", async () => {
    await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Licenses" }).click();
    await expect(page.getByText("No licenses yet")).toBeVisible();
    await page.getByRole("button", { name: "New license" }).click();
    const dialog = page.getByRole("dialog", { name: "New license" });
    await dialog.getByLabel("Name").fill("Studio floating");
    await dialog.getByLabel("Seats", { exact: true }).fill("3");
    await dialog.getByRole("button", { name: "Create license" }).click();

    const created = page.getByRole("dialog", { name: "License created" });
    await expect(created.getByRole("alert")).toContainText("shown only once");
    const shown = (await created.getByTestId("secret-value").textContent())?.trim() ?? "";
    expect(shown.length).toBeGreaterThan(10);
    await created.getByRole("button", { name: "Copy license key" }).click();
    await expect(created.getByText("Copied to the clipboard.")).toBeVisible();
    licenseKey = await page.evaluate(() => navigator.clipboard.readText());
    expect(licenseKey).toBe(shown);

    await created.getByRole("link", { name: "Open the license" }).click();
    await expect(page.getByRole("heading", { name: /Studio floating/ })).toBeVisible();
    licenseUrl = new URL(page.url()).pathname;
  });

  await test.step("three clients acquire: the dashboard shows 3 / 3 in use", async () => {
    for (const host of ["build-01", "build-02", "laptop-erin"]) {
      const { status, body } = await acquire(request, apiUrl, licenseKey, host);
      expect(status, JSON.stringify(body)).toBe(201);
    }
    await expect(page.getByRole("meter", { name: "Seats in use" })).toHaveAttribute("aria-valuenow", "3");
    await expect(page.getByTestId("seats").first()).toHaveText("3 / 3");
    const sessions = page.getByRole("table", { name: "Live sessions" });
    await expect(sessions.getByRole("row")).toHaveCount(4); // header + 3
  });

  await test.step("a fourth client is denied, and the denial shows", async () => {
    const { status, body } = await acquire(request, apiUrl, licenseKey, "ci-runner-9");
    expect(status).toBe(409);
    expect(body.error.code).toBe("no_seats_available");
    await expect(page.getByTestId("license-denials")).toHaveText("1", { timeout: 30_000 });
  });

  await test.step("the overview shows the same", async () => {
    await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Overview" }).click();
    await expect(page.getByTestId("overview-seats")).toHaveText("3 / 3");
    await expect(page.getByTestId("overview-denials")).toHaveText("1", { timeout: 30_000 });
    await expect(page.getByRole("meter", { name: "Seats in use of Studio floating" })).toHaveAttribute("aria-valuenow", "3");
    await page.screenshot({ path: join(screenshots, "overview.png"), fullPage: true });
    await expectAccessible(page);
  });

  await test.step("revoke one session: 2 / 3", async () => {
    await page.goto(licenseUrl);
    await confirm(page, "Revoke session of build-01", "Revoke session");
    await expect(page.getByText("Session revoked", { exact: true })).toBeVisible();
    await expect(page.getByRole("meter", { name: "Seats in use" })).toHaveAttribute("aria-valuenow", "2");
    await expect(page.getByRole("table", { name: "Live sessions" }).getByText("build-01")).toHaveCount(0);
    await dismissToasts(page);
    await page.screenshot({ path: join(screenshots, "license-detail.png"), fullPage: true });
    await expectAccessible(page);
  });

  await test.step("suspend the license: the next acquire is refused", async () => {
    await confirm(page, "Suspend", "Suspend license");
    await expect(page.getByText("License suspended", { exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Resume" })).toBeVisible();
    // Suspending ends every live session: the seats come back at once.
    await expect(page.getByRole("meter", { name: "Seats in use" })).toHaveAttribute("aria-valuenow", "0");
    const { status, body } = await acquire(request, apiUrl, licenseKey, "build-01");
    expect(status).toBe(403);
    expect(body.error.code).toBe("license_suspended");
  });

  await test.step("the organization's sessions: every client, ended", async () => {
    await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Sessions" }).click();
    const table = page.getByRole("table", { name: "Sessions" });
    await expect(table.getByRole("row")).toHaveCount(4); // header + the 3 clients; a denial is no session
    await expect(table.getByText("Revoked")).toHaveCount(3); // one by hand, two by the suspension
    await dismissToasts(page);
    await page.getByLabel("Status").selectOption("Live");
    await expect(page.getByText("No sessions")).toBeVisible();
    await expectAccessible(page);
  });

  await test.step("members and invitations", async () => {
    await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Members" }).click();
    await expect(page.getByRole("table", { name: "Members" }).getByRole("cell", { name: owner.email, exact: true })).toBeVisible();
    await page.getByRole("button", { name: "Invite member" }).click();
    const dialog = page.getByRole("dialog", { name: "Invite a member" });
    await dialog.getByLabel("Email").fill(`sam+${run}@example.com`);
    await dialog.getByLabel("Role").selectOption("admin");
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByRole("table", { name: "Pending invitations" }).getByRole("cell", { name: `sam+${run}@example.com`, exact: true })).toBeVisible();
    await dismissToasts(page);
    await page.screenshot({ path: join(screenshots, "members.png"), fullPage: true });
    await expectAccessible(page);
  });

  await test.step("the audit log recorded it", async () => {
    await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Audit log" }).click();
    await expect(page.getByRole("table", { name: "Audit events" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Audit events" }).getByText(/suspend/).first()).toBeVisible();
  });

  await test.step("a live session with a real fingerprint fits a laptop and a phone", async () => {
    await page.goto(licenseUrl);
    await confirm(page, "Resume", "Resume license");
    await expect(page.getByText("License resumed", { exact: true })).toBeVisible();
    // What the SDK sends: "hw1-" and a 64-character digest, the widest cell of the table.
    const fingerprint = `hw1-${"3f9a0c51d2e847b6".repeat(4)}`;
    const { status, body } = await acquire(request, apiUrl, licenseKey, fingerprint);
    expect(status, JSON.stringify(body)).toBe(201);
    await dismissToasts(page);

    await page.setViewportSize({ width: 1366, height: 900 });
    await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Sessions" }).click();
    const table = page.getByRole("table", { name: "Sessions" });
    await expect(table.getByRole("row")).toHaveCount(5);
    // The Revoke column is on screen whole, not clipped by the table's scroll box.
    await expect(table.getByRole("button", { name: `Revoke session of ${fingerprint}` })).toBeInViewport({ ratio: 1 });
    await page.screenshot({ path: join(screenshots, "sessions.png"), fullPage: true });
    await expectAccessible(page);

    // A header sorts the loaded rows, from the keyboard too.
    await table.getByRole("button", { name: "Machine" }).focus();
    await page.keyboard.press("Enter");
    await expect(table.getByRole("columnheader", { name: "Machine" })).toHaveAttribute("aria-sort", "ascending");
    await expect(table.getByRole("row").nth(1)).toContainText("build-01");
    await page.keyboard.press("Enter");
    await expect(table.getByRole("columnheader", { name: "Machine" })).toHaveAttribute("aria-sort", "descending");
    await expect(table.getByRole("row").nth(1)).toContainText("laptop-erin");
    await page.keyboard.press("Enter"); // back to the API's order, newest first
    await expect(table.getByRole("columnheader", { name: "Machine" })).not.toHaveAttribute("aria-sort");
    await expect(table.getByRole("row").nth(1)).toContainText(fingerprint.slice(0, 12));

    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await expect(table.getByRole("row")).toHaveCount(5);
    // The table scrolls inside its card; the page itself never scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(screenshots, "sessions-phone.png"), fullPage: true });
    await expectAccessible(page);
  });

  await test.step("readable on a phone", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(licenseUrl);
    await expect(page.getByRole("heading", { name: /Studio floating/ })).toBeVisible();
    await page.getByRole("button", { name: "Open the menu" }).click();
    await expect(page.getByRole("dialog", { name: "Menu" }).getByRole("link", { name: "Overview" })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("table", { name: "Live sessions" }).getByRole("row")).toHaveCount(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(screenshots, "license-detail-phone.png"), fullPage: true });
    await expectAccessible(page);
  });

  await test.step("no page is wider than a phone", async () => {
    const pages = [["", "Overview"], ["/licenses", "Licenses"], ["/sessions", "Sessions"], ["/projects", "Projects"], ["/members", "Members"], ["/api-tokens", "API tokens"], ["/audit", "Audit log"], ["/settings", "Settings"]];
    for (const [path, heading] of pages) {
      await page.goto(`/orgs/example-${run}${path}`);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expect(page.getByText(/^Loading/)).toHaveCount(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${heading} at 390 px`).toBeLessThanOrEqual(390);
    }
    await page.goto(licenseUrl);
    // Loaded, so the page's own refresh has come back: a reload that cut it short would
    // present the rotated-out refresh token, which the server takes for a stolen one.
    await expect(page.getByRole("heading", { name: /Studio floating/ })).toBeVisible();
  });

  await test.step("a reload keeps the session (refresh token in this tab only)", async () => {
    await page.reload();
    await expect(page.getByRole("heading", { name: /Studio floating/ })).toBeVisible();
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  await test.step("sign out", async () => {
    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expectAccessible(page);
  });
});
