import type { Page } from "@playwright/test";

import { expect, test } from "./fixtures";

// Every route of the dashboard, at a phone's width and a laptop's: the page never
// scrolls sideways, and no table's action column is cut off by its scroll box.
const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1366, height: 900 },
];

const run = `l${Date.now().toString(36)}`;
const owner = { name: "Layout Owner", email: `layout+${run}@example.com`, password: "correct horse battery staple" };
const org = `layout-${run}`;
// What the SDK sends: the widest cell of the session tables.
const fingerprint = `hw1-${"3f9a0c51d2e847b6".repeat(4)}`;

/** Problems of the page as it is now: sideways page scroll, clipped table buttons. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const viewport = document.documentElement.clientWidth;
    const wide = document.documentElement.scrollWidth;
    if (wide > viewport) problems.push(`the page is ${wide} px wide in a ${viewport} px window`);
    for (const table of Array.from(document.querySelectorAll("table"))) {
      const box = (table.parentElement ?? table).getBoundingClientRect();
      const right = Math.min(box.right, viewport);
      for (const button of Array.from(table.querySelectorAll("tbody button, tbody a"))) {
        const rect = button.getBoundingClientRect();
        if (rect.width === 0) continue;
        const cell = button.closest("td");
        const inActions = cell !== null && cell === cell.parentElement?.lastElementChild;
        if (inActions && (rect.right > right + 1 || rect.left < box.left - 1)) {
          const name = button.getAttribute("aria-label") ?? button.textContent?.trim();
          problems.push(`"${name}" in table "${table.getAttribute("aria-label")}" is clipped (${Math.round(rect.left)}–${Math.round(rect.right)} of ${Math.round(box.left)}–${Math.round(right)})`);
        }
      }
    }
    return problems;
  });
}

async function settle(page: Page, heading: string | RegExp) {
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  await expect(page.getByText(/^Loading/)).toHaveCount(0);
}

/** Each route at each width, failing on the first layout problem. */
async function walk(page: Page, routes: [string, string | RegExp][]) {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    for (const [path, heading] of routes) {
      await page.goto(path);
      await settle(page, heading);
      expect(await layoutProblems(page), `${path} at ${size.width} px`).toEqual([]);
    }
  }
}

test("every route fits a phone and a laptop, with its actions on screen", async ({ page, request, apiUrl }) => {
  const signedOut: [string, string | RegExp][] = [
    ["/sign-in", "Sign in"],
    ["/register", "Create your account"],
    ["/forgot-password", "Reset your password"],
    ["/reset-password", "Choose a new password"],
    ["/accept-invitation", "Join an organization"],
  ];
  await walk(page, signedOut);

  // Something in every list: a license with three sessions, a project, a group, a token, an invitation.
  const registered = await request.post(`${apiUrl}/api/v1/auth/register`, { data: owner });
  expect(registered.status(), await registered.text()).toBe(201);
  const { access } = await registered.json();
  const headers = { Authorization: `Bearer ${access}` };
  const post = async (path: string, data: object) => {
    const response = await request.post(`${apiUrl}/api/v1${path}`, { data, headers });
    expect(response.status(), `${path}: ${await response.text()}`).toBeLessThan(300);
    return response.json();
  };
  await post("/orgs", { name: "Layout Studios with a rather long organization name", slug: org });
  const created = await post(`/orgs/${org}/licenses`, { name: "Render farm licence for the whole studio", seats_total: 5 });
  const licenseId = created.license.id;
  await post(`/orgs/${org}/projects`, { name: "Apollo", slug: "apollo", description: "A project with a description long enough to wrap" });
  await post(`/orgs/${org}/groups`, { name: "Design and user research, Europe", slug: "design-eu" });
  await post(`/orgs/${org}/api-tokens`, { name: "CI pipeline token", role: "member" });
  await post(`/orgs/${org}/invitations`, { email: `invited+${run}@example.com`, role: "member" });
  for (const host of [fingerprint, "build-01", "laptop-with-a-long-host-name.example.internal"]) {
    const seat = await request.post(`${apiUrl}/api/v1/licenses/acquire`, { data: { license_key: created.license_key, hardware_id: host } });
    expect(seat.status()).toBe(201);
  }

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/sign-in/);

  const signedIn: [string, string | RegExp][] = [
    ["/orgs/new", "Create an organization"],
    ["/account", "Account settings"],
    [`/orgs/${org}`, "Overview"],
    [`/orgs/${org}/licenses`, "Licenses"],
    [`/orgs/${org}/licenses/${licenseId}`, /Render farm/],
    [`/orgs/${org}/sessions`, "Sessions"],
    [`/orgs/${org}/projects`, "Projects"],
    [`/orgs/${org}/groups`, "Groups"],
    [`/orgs/${org}/members`, "Members"],
    [`/orgs/${org}/api-tokens`, "API tokens"],
    [`/orgs/${org}/audit`, "Audit log"],
    [`/orgs/${org}/settings`, "Settings"],
    [`/orgs/${org}/no-such-page`, "No such page"],
  ];
  await walk(page, signedIn);

  // Opening a change in the audit log keeps the When column in view.
  await page.setViewportSize(WIDTHS[0]);
  await page.goto(`/orgs/${org}/audit`);
  await settle(page, "Audit log");
  const audit = page.getByRole("table", { name: "Audit events" });
  await audit.locator("summary").first().click();
  await expect(audit.getByRole("row").nth(1).getByRole("cell").first()).toBeInViewport({ ratio: 1 });
  expect(await layoutProblems(page)).toEqual([]);

  // The utilization chart tells the values of the bucket under the pointer.
  await page.setViewportSize(WIDTHS[1]);
  await page.goto(`/orgs/${org}`);
  await settle(page, "Overview");
  const chart = page.getByTestId("utilization-chart").locator("svg").first();
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + box.width - 12, box.y + box.height / 2);
  const tooltip = page.getByTestId("chart-tooltip");
  await expect(tooltip).toContainText("Peak in use: 3");
  await expect(tooltip).toContainText("Acquires: 3");
});
