// Test fixtures: each test gets a fresh data folder and a running Meterdesk — the real browser
// host in a real Chromium (project "chromium") or the desktop app (project "electron") — with
// nothing mocked between the page and the core.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  _electron,
  test as base,
  type Browser,
  type BrowserContext,
  type ElectronApplication,
  type Page,
} from '@playwright/test';
import { chromiumArgs, findChromium } from './chromium';
import { electronAvailability } from './electron';
import { startBrowserHost, type BrowserHost } from './host';
import { repoRoot } from './paths';
import { pinnedClock } from '../electron/testing/time';

export type HostKind = 'browser' | 'electron';

export type HostOptions = {
  /** Which host the project drives. */
  hostKind: HostKind;
};

export type AppOptions = {
  /**
   * Seeded CloudTrail history of the built-in sandbox (browser host only). The app's default
   * (5,000 events at 2 requests/s) takes 50 s to sync; audit specs use a few hundred.
   */
  sandboxHistory: number | undefined;
  /**
   * The browser's locale: an explicit tag (default en-US), or null for none at all (the
   * browser's own default). In Electron it is passed as --lang.
   */
  browserLocale: string | null;
};

export type MeterdeskApp = {
  kind: HostKind;
  /** The window showing the app; a new Page after `restart()` in Electron. */
  readonly page: Page;
  /** Browser host only: http://127.0.0.1:PORT and the launch token (null in Electron). */
  readonly origin: string | null;
  readonly token: string | null;
  dataDir: string;
  /**
   * The test's pinned clock (epoch ms), shared by the host, its built-in sandbox and the page:
   * build every timestamp from it, never from Date.now.
   */
  now: () => number;
  /** Stops the host and starts it again on the same data folder, then reopens the app. */
  restart: () => Promise<void>;
  /**
   * Calls a channel through the contract to set a test up, in either host: the browser host's
   * POST /api/<channel> with its token, or in Electron the preload's window.meterdesk inside the
   * app's window. Returns the value of an ok Result; throws with the error of a failed one.
   */
  call: <T = unknown>(channel: string, input?: unknown) => Promise<T>;
};

type WireResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

async function callOverHttp<T>(
  origin: string,
  token: string,
  channel: string,
  input: unknown,
): Promise<WireResult<T>> {
  const response = await fetch(`${origin}/api/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  return (await response.json()) as WireResult<T>;
}

function callInWindow<T>(page: Page, channel: string, input: unknown): Promise<WireResult<T>> {
  return page.evaluate(
    ([name, value]) => {
      const bridge = (
        globalThis as unknown as {
          meterdesk: Record<string, (input: unknown) => Promise<WireResult<T>>>;
        }
      ).meterdesk;
      const call = bridge[name];
      if (call === undefined) throw new Error(`window.meterdesk has no channel ${name}`);
      return call(value);
    },
    [channel, input] as const,
  );
}

type WorkerFixtures = HostOptions & {
  hostBrowser: Browser | null;
};

type TestFixtures = AppOptions & {
  mdesk: MeterdeskApp;
};

const viewport = { width: 1280, height: 800 };

export const test = base.extend<TestFixtures, WorkerFixtures>({
  hostKind: ['browser', { option: true, scope: 'worker' }],
  sandboxHistory: [undefined, { option: true }],
  browserLocale: ['en-US', { option: true }],

  // One Chromium per worker; each test gets its own context (fresh storage).
  hostBrowser: [
    async ({ hostKind, playwright }, use) => {
      if (hostKind !== 'browser') {
        await use(null);
        return;
      }
      const chromium = await findChromium();
      const browser = await playwright.chromium.launch({
        executablePath: chromium.executablePath,
        args: [...chromiumArgs],
        env: { ...process.env, ...chromium.env },
      });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],

  mdesk: async ({ hostKind, hostBrowser, sandboxHistory, browserLocale }, use, testInfo) => {
    const clock = pinnedClock();
    // Each host process (and each restart) starts its clock where the test's clock is now, so
    // time never runs backwards across a restart.
    const hostOptions = () => ({
      ...(sandboxHistory === undefined ? {} : { sandboxHistory }),
      clockStart: new Date(clock.now()).toISOString(),
    });
    let electronPath: string | undefined;
    if (hostKind === 'electron') {
      const electron = electronAvailability();
      if (!electron.available) testInfo.skip(true, electron.reason);
      else electronPath = electron.executablePath;
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-e2e-'));
    let current: { page: Page; close: () => Promise<void>; host: BrowserHost | null };

    const open = async (): Promise<typeof current> => {
      if (hostKind === 'browser') {
        if (!hostBrowser) throw new Error('No browser was launched for the browser host.');
        const host = await startBrowserHost(dataDir, undefined, hostOptions());
        // A fixed light OS preference, so a dark screen can only come from the setting.
        const context: BrowserContext = await hostBrowser.newContext({
          viewport,
          colorScheme: 'light',
          ...(browserLocale === null ? {} : { locale: browserLocale }),
        });
        await context.clock.install({ time: clock.now() });
        const page = await context.newPage();
        await page.goto(host.url);
        return {
          page,
          host,
          close: async () => {
            await context.close();
            await host.stop();
          },
        };
      }
      const app: ElectronApplication = await _electron.launch({
        ...(electronPath === undefined ? {} : { executablePath: electronPath }),
        // The repo root, so Electron reads package.json ("main": out/main/index.js) as the app.
        args: [
          repoRoot,
          '--data',
          dataDir,
          ...(sandboxHistory === undefined ? [] : ['--sandbox-history', String(sandboxHistory)]),
          ...(browserLocale === null ? [] : [`--lang=${browserLocale}`]),
        ],
        env: {
          ...process.env,
          NODE_ENV: 'test',
          MDESK_TEST_NOW: new Date(clock.now()).toISOString(),
        },
      });
      await app.context().clock.install({ time: clock.now() });
      // The desktop app asks natively before a window with unsent work reloads or closes
      // (electron/app/leave-prompt.ts, unit-tested with fakes). Here it is answered "Leave", so
      // a reload, a restart and the end of a test go on as in the browser host's tests.
      await app.evaluate(({ dialog }) => {
        dialog.showMessageBoxSync = () => 0;
      });
      const page = await app.firstWindow();
      await page.setViewportSize(viewport);
      return { page, host: null, close: () => app.close() };
    };

    current = await open();
    const restartBrowserHost = async (): Promise<void> => {
      // Same browser tab, new host process: the new URL carries the new token and port.
      await current.host?.stop();
      const host = await startBrowserHost(dataDir, undefined, hostOptions());
      const context = current.page.context();
      current = {
        page: current.page,
        host,
        close: async () => {
          await context.close();
          await host.stop();
        },
      };
      await current.page.goto(host.url);
    };

    const app: MeterdeskApp = {
      kind: hostKind,
      get page() {
        return current.page;
      },
      get origin() {
        return current.host?.origin ?? null;
      },
      get token() {
        return current.host?.token ?? null;
      },
      dataDir,
      now: clock.now,
      call: async <T>(channel: string, input: unknown = {}): Promise<T> => {
        const { host } = current;
        const result = host
          ? await callOverHttp<T>(host.origin, host.token, channel, input)
          : await callInWindow<T>(current.page, channel, input);
        if (!result.ok) {
          throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
        }
        return result.value;
      },
      restart: async () => {
        if (hostKind === 'browser') {
          await restartBrowserHost();
          return;
        }
        await current.close();
        current = await open();
      },
    };

    await use(app);

    if (testInfo.status !== testInfo.expectedStatus) {
      await current.page
        .screenshot({ path: testInfo.outputPath('failure.png'), fullPage: true })
        .catch(() => undefined);
    }
    await current.close();
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  },
});

export { expect } from '@playwright/test';
