import { defineConfig } from "@playwright/test";

// End-to-end against the real backend, which e2e/global-setup.ts starts on a
// spare loopback port with a fresh data folder. The browser is Debian's
// Chromium (no browser download here); each test gets a new empty profile.
export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
