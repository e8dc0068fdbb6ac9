// The CLI's sign-in by device code (RFC 8628), end to end: a real
// `coditect-license login` process prints a code, a person signs in to the
// dashboard in Chromium and approves it, the CLI gets its sign-in, and
// `coditect-license run -- sleep` holds a seat in that person's name, which the
// sessions page shows. Then a denied code, an expired code, and guessed codes
// (rate limited). global-setup.ts runs the server with DEVICE_CODE_SECONDS=45
// and DEVICE_CODE_INTERVAL=1 so that this takes seconds, not minutes.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import type { APIRequestContext, Page } from "@playwright/test";

import { expect, test } from "./fixtures";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const run = Date.now().toString(36);
const person = { name: "Dev Person", email: `dev+${run}@example.com`, password: "correct horse battery staple" };

type Cli = { child: ChildProcessWithoutNullStreams; stderr: () => string; exit: Promise<number> };

function cli(apiUrl: string, credentials: string, ...args: string[]): Cli {
  const child = spawn("uv", ["run", "--frozen", "coditect-license", ...args], {
    cwd: repo,
    env: {
      ...process.env,
      CODITECT_LICENSE_SERVER: apiUrl,
      CODITECT_CREDENTIALS_FILE: credentials,
      CODITECT_LICENSE_CACHE: join(dirname(credentials), "cache"),
      CODITECT_HARDWARE_ID: `e2e-${run}`,
      CODITECT_NO_BROWSER: "1",
    },
  });
  let err = "";
  child.stderr.on("data", (chunk) => (err += String(chunk)));
  child.stdout.on("data", () => undefined);
  const exit = new Promise<number>((done) => child.on("exit", (code) => done(code ?? -1)));
  return { child, stderr: () => err, exit };
}

async function userCodeOf(login: Cli): Promise<string> {
  await expect.poll(() => /enter the code ([A-Z]{4}-[A-Z]{4})/.exec(login.stderr())?.[1], { timeout: 90_000 }).toBeTruthy();
  return /enter the code ([A-Z]{4}-[A-Z]{4})/.exec(login.stderr())![1];
}

async function setUp(request: APIRequestContext, apiUrl: string) {
  const registered = await request.post(`${apiUrl}/api/v1/auth/register`, { data: person });
  expect(registered.status()).toBe(201);
  const headers = { Authorization: `Bearer ${(await registered.json()).access}` };
  const org = await request.post(`${apiUrl}/api/v1/orgs`, { data: { name: "Device Co", slug: `device-${run}` }, headers });
  expect(org.status()).toBe(201);
  const license = await request.post(`${apiUrl}/api/v1/orgs/device-${run}/licenses`, {
    data: { name: "Team seats", seats_total: 2 },
    headers,
  });
  expect(license.status()).toBe(201);
  return { licenseId: (await license.json()).license.id as string };
}

async function signIn(page: Page, next: string) {
  await page.goto(next);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test("a person signs the CLI in from the browser and holds a seat in their name", async ({ page, request, apiUrl, consoleErrors }) => {
  const folder = mkdtempSync(join(tmpdir(), "coditect-e2e-cli-"));
  const credentials = join(folder, "credentials.json");
  try {
    const { licenseId } = await setUp(request, apiUrl);

    await test.step("approve the code the CLI shows", async () => {
      const login = cli(apiUrl, credentials, "login", "--no-browser");
      const code = await userCodeOf(login);
      await signIn(page, `/device?user_code=${code}`);
      await expect(page.getByRole("heading", { name: "Sign in a terminal" }).first()).toBeVisible();
      await expect(page.getByLabel("Code", { exact: true })).toHaveValue(code);
      await page.getByRole("button", { name: "Continue" }).click();
      const request_ = page.getByRole("region", { name: "Sign-in request" });
      await expect(request_).toContainText("Client version");
      await page.getByRole("button", { name: "Approve" }).click();
      await expect(page.getByRole("status")).toContainText("is now signed in as");
      expect(await login.exit, login.stderr()).toBe(0);
    });

    await test.step("run holds a seat attributed to the person, shown in the dashboard", async () => {
      const held = cli(apiUrl, credentials, "run", "--license-id", licenseId, "--", "sleep", "25");
      await page.waitForLoadState("networkidle");
      await page.goto(`/orgs/device-${run}/sessions`, { waitUntil: "networkidle" });
      const table = page.getByRole("table", { name: "Sessions" });
      await expect
        .poll(
          async () => {
            // A load of the dashboard may trade its refresh token for a new one; leaving
            // the page while that answer is on its way keeps the rotated-out token, which
            // the server forgives only within its reuse leeway (docs/auth.md). Let it land.
            await page.reload({ waitUntil: "networkidle" });
            return table.getByRole("row").filter({ hasText: person.name }).filter({ hasText: "Live" }).count();
          },
          { timeout: 60_000, intervals: [2_000] },
        )
        .toBe(1);
      await expect(table.getByRole("row").filter({ hasText: person.name })).toContainText("Team seats");
      expect(await held.exit, held.stderr()).toBe(0);
    });

    await test.step("the person's signed-in devices list it", async () => {
      await page.goto("/account");
      await expect(page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem")).toHaveCount(1);
    });

    await test.step("a denied code: the CLI is refused", async () => {
      const login = cli(apiUrl, join(folder, "denied.json"), "login", "--no-browser");
      const code = await userCodeOf(login);
      await page.goto(`/device?user_code=${code}`);
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("button", { name: "Deny" }).click();
      await expect(page.getByRole("status")).toContainText("refused");
      expect(await login.exit).toBe(17);
      expect(login.stderr()).toContain("denied");
    });

    await test.step("an expired code: the CLI gives up, the page refuses it", async () => {
      const login = cli(apiUrl, join(folder, "expired.json"), "login", "--no-browser");
      const code = await userCodeOf(login);
      expect(await login.exit).toBe(17);
      expect(login.stderr()).toContain("expired");
      await page.goto(`/device?user_code=${code}`);
      await page.getByRole("button", { name: "Continue" }).click();
      await expect(page.getByRole("alert")).toContainText("not valid or has expired");
    });

    await test.step("guessed codes are rate limited", async () => {
      await page.goto("/device");
      // The limit (10 a minute) counts in fixed one-minute windows: 15 guesses across a
      // window's end can be 8 + 7 and pass. 21 guesses, made in well under a minute, fall
      // in at most two windows, so one of them holds 11.
      // Each guess's own answer decides, not the alert on screen, which may still show
      // the guess before.
      let limited = false;
      const letters = "BCDFGHJKLMNPQRSTVWXZ";
      for (let i = 0; i < 21 && !limited; i += 1) {
        await page.getByLabel("Code", { exact: true }).fill(`BCDF-GH${letters[Math.floor(i / 20)]}${letters[i % 20]}`);
        const answered = page.waitForResponse((r) => r.url().includes("/api/v1/auth/device/lookup"));
        await page.getByRole("button", { name: "Continue" }).click();
        limited = (await answered).status() === 429;
      }
      expect(limited).toBe(true);
      await expect(page.getByRole("alert")).toContainText(/too many|rate|throttled/i);
      // The refusals of the last two steps are the point of them: the browser logs each
      // failed lookup (404, then 429) as a console error; no other error may remain.
      const expected = /status of (404|429) .*\/api\/v1\/auth\/device\/lookup/;
      consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !expected.test(e)));
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
