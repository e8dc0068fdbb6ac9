import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chromium, expect, test as base, type BrowserContext, type Page } from "@playwright/test";

// The flags this machine needs (no GPU, and no calls home that its closed
// network would refuse, each of which Chromium would log as an error).
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

type Fixtures = { context: BrowserContext; page: Page; baseUrl: string; apiUrl: string; consoleErrors: string[] };

export const test = base.extend<Fixtures>({
  baseUrl: async ({}, use) => use(process.env.E2E_BASE_URL ?? "http://127.0.0.1:8000"),
  apiUrl: async ({}, use) => use(process.env.E2E_API_URL ?? process.env.E2E_BASE_URL ?? "http://127.0.0.1:8000"),

  // Debian's Chromium with a fresh, empty --user-data-dir for every test.
  context: async ({ baseUrl }, use) => {
    const profile = mkdtempSync(join(tmpdir(), "coditect-e2e-profile-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
      baseURL: baseUrl,
      viewport: { width: 1440, height: 900 },
      permissions: ["clipboard-read", "clipboard-write"],
    });
    await use(context);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  },

  consoleErrors: async ({}, use) => use([]),

  // Any console error or uncaught exception fails the test.
  page: async ({ context, consoleErrors }, use) => {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`console: ${message.text()} (${message.location().url})`);
    });
    page.on("pageerror", (error) => consoleErrors.push(`page error: ${error.message}`));
    await use(page);
    expect(consoleErrors, "console errors during the run").toEqual([]);
  },
});

export { expect };
