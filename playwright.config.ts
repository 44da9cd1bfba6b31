// End-to-end tests: the real renderer against the real core. Project "chromium" drives the
// browser host; project "electron" runs the same specs in the desktop app, and skips (saying
// why) where no Electron binary is installed.
import { defineConfig } from '@playwright/test';
import type { HostOptions } from './e2e/fixtures';

export default defineConfig<HostOptions>({
  testDir: './e2e/specs',
  outputDir: './test-results',
  globalSetup: './e2e/global-setup.ts',
  // Two cores: one worker per core at most; each test runs a host process and a browser.
  workers: process.env.CI ? 1 : 2,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
  },
  projects: [
    { name: 'chromium', use: { hostKind: 'browser' } },
    { name: 'electron', use: { hostKind: 'electron' } },
  ],
});
