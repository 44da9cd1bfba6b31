// The desktop app's composition root (electron/main/index.ts) booted without an Electron
// binary: `electron` is replaced by fakes of app, BrowserWindow, ipcMain, protocol, session,
// safeStorage (and the small rest index.ts touches), and electron-store by the Conf store it is
// built on. Everything else is real: the core, the built-in sandbox, the ipc host, the preload.
// One channel is then driven end to end: page → preload's window.meterdesk → ipcRenderer →
// ipcMain handler (sender-frame checks) → router → service → settings file, and an event back.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MeterdeskBridge, Settings } from '../../shared/contract';
import { APP_ENTRY_URL } from '../app/origin';
import { DEFAULT_TEST_INSTANT, TEST_INSTANT_ENV } from '../testing/time';

type Listener = (...args: unknown[]) => unknown;
type InvokeHandler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

const fake = vi.hoisted(() => {
  const appListeners = new Map<string, Listener[]>();
  const ipcHandlers = new Map<string, InvokeHandler>();
  const rendererListeners = new Map<string, Listener[]>();
  const windows: FakeWindow[] = [];
  const calls = {
    privilegedSchemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
    headersHooks: 0,
    permissionHandlers: 0,
    exposed: new Map<string, unknown>(),
    quit: 0,
    errorBoxes: [] as string[],
    /** Native questions asked (showMessageBoxSync), and the button index the fake user picks. */
    messageBoxes: [] as { window: unknown; options: { buttons?: string[] } }[],
    answer: 1,
  };
  const paths = { userData: '' };

  class FakeWebContents {
    url = '';
    sent: unknown[][] = [];
    isDestroyed = () => false;
    getURL = () => this.url;
    send = (channel: string, ...args: unknown[]) => {
      this.sent.push([channel, ...args]);
      for (const listener of rendererListeners.get(channel) ?? []) listener({}, ...args);
    };
    setWindowOpenHandler = () => undefined;
    listeners = new Map<string, Listener[]>();
    on = (event: string, listener: Listener) => {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    };
  }

  class FakeWindow {
    static getAllWindows = () => windows;
    webContents = new FakeWebContents();
    options: Record<string, unknown>;
    constructor(options: Record<string, unknown>) {
      this.options = options;
      windows.push(this);
      for (const listener of appListeners.get('web-contents-created') ?? []) {
        listener({}, this.webContents);
      }
    }
    once = () => this;
    show = () => undefined;
    isMinimized = () => false;
    restore = () => undefined;
    focus = () => undefined;
    loadURL = (url: string) => {
      this.webContents.url = url;
      return Promise.resolve();
    };
  }

  const app = {
    isPackaged: false,
    setPath: (name: string, value: string) => {
      if (name === 'userData') paths.userData = value;
    },
    // Every path index.ts asks for lives in the test's data folder.
    getPath: () => paths.userData,
    getVersion: () => '0.0.0-test',
    requestSingleInstanceLock: () => true,
    on: (event: string, listener: Listener) => {
      appListeners.set(event, [...(appListeners.get(event) ?? []), listener]);
      return app;
    },
    whenReady: () => Promise.resolve(),
    quit: () => {
      calls.quit += 1;
    },
    exit: () => undefined,
  };

  const ipcMain = {
    handle: (channel: string, handler: InvokeHandler) => ipcHandlers.set(channel, handler),
    removeHandler: (channel: string) => ipcHandlers.delete(channel),
    on: () => ipcMain,
  };

  /** The renderer side: what the preload calls, wired to ipcMain as Electron does. */
  const ipcRenderer = {
    invoke: async (channel: string, ...args: unknown[]) => {
      const handler = ipcHandlers.get(channel);
      const window = windows[0];
      if (!handler || !window) throw new Error(`No handler registered for '${channel}'`);
      const event = {
        sender: window.webContents,
        senderFrame: { url: window.webContents.url, parent: null },
      };
      // Structured clone, as Electron's IPC copies values between processes.
      return structuredClone(await handler(event, ...args.map((arg) => structuredClone(arg))));
    },
    on: (channel: string, listener: Listener) => {
      rendererListeners.set(channel, [...(rendererListeners.get(channel) ?? []), listener]);
      return ipcRenderer;
    },
    removeListener: (channel: string, listener: Listener) => {
      rendererListeners.set(
        channel,
        (rendererListeners.get(channel) ?? []).filter((l) => l !== listener),
      );
      return ipcRenderer;
    },
  };

  const protocol = {
    registerSchemesAsPrivileged: (schemes: unknown[]) => calls.privilegedSchemes.push(...schemes),
    handle: (scheme: string, handler: (request: Request) => Promise<Response> | Response) =>
      calls.protocolHandlers.set(scheme, handler),
  };

  const session = {
    defaultSession: {
      webRequest: {
        onHeadersReceived: () => {
          calls.headersHooks += 1;
        },
      },
      setPermissionRequestHandler: () => {
        calls.permissionHandlers += 1;
      },
      setPermissionCheckHandler: () => undefined,
    },
  };

  /** Reversible "encryption", so the test can see that nothing is stored in plain text. */
  const safeStorage = {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (text: string) => Buffer.from(Buffer.from(text, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (data: Buffer) => Buffer.from(data.map((b) => b ^ 0x5a)).toString('utf8'),
  };

  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain,
    ipcRenderer,
    protocol,
    session,
    safeStorage,
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => calls.exposed.set(key, api),
    },
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: () => undefined,
    },
    nativeTheme: { shouldUseDarkColors: false },
    dialog: {
      showErrorBox: (title: string, content: string) =>
        calls.errorBoxes.push(`${title}: ${content}`),
      showMessageBoxSync: (window: unknown, options: { buttons?: string[] }) => {
        calls.messageBoxes.push({ window, options });
        return calls.answer;
      },
    },
    shell: { openExternal: () => Promise.resolve() },
  };
  return { electron, calls, ipcHandlers, windows, appListeners, paths };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));
// electron-store is Conf plus a look-up of Electron's userData path (cwd is always given here).
vi.mock('electron-store', async () => {
  const { default: Conf } = await import('conf');
  class ElectronStoreOnConf<T extends Record<string, unknown>> extends Conf<T> {
    constructor(options: { cwd: string; name: string; configFileMode?: number }) {
      super({ ...options, configName: options.name, projectName: 'meterdesk' });
    }
  }
  return { default: ElectronStoreOnConf };
});

let dataDir = '';
const savedArgv = process.argv;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-electron-main-'));
  process.env[TEST_INSTANT_ENV] ??= DEFAULT_TEST_INSTANT;
  process.argv = [...savedArgv, '--data', dataDir, '--sandbox-history', '0'];
  await import('./index');
  await vi.waitFor(() => expect(fake.windows[0]?.webContents.url).toBe(APP_ENTRY_URL), {
    timeout: 60_000,
    interval: 50,
  });
}, 90_000);

afterAll(async () => {
  process.argv = savedArgv;
  // Quit as the app does once every window has closed: will-quit lets the core close, then quits.
  const willQuit = fake.appListeners.get('will-quit') ?? [];
  expect(willQuit).toHaveLength(1);
  for (const listener of willQuit) listener({ preventDefault: () => undefined });
  await vi.waitFor(() => expect(fake.calls.quit).toBeGreaterThan(0), { timeout: 30_000 });
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
}, 60_000);

describe('the desktop app composed with fake Electron', () => {
  it('opens one hardened window on app://meterdesk with the preload', () => {
    expect(fake.calls.errorBoxes).toEqual([]);
    expect(fake.windows).toHaveLength(1);
    const prefs = fake.windows[0]?.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
    });
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(fake.calls.privilegedSchemes).toEqual([expect.objectContaining({ scheme: 'app' })]);
    expect([...fake.calls.protocolHandlers.keys()]).toEqual(['app']);
    expect(fake.calls.headersHooks).toBe(1);
    expect(fake.calls.permissionHandlers).toBe(1);
  });

  it('makes the data folder private before anything is written', (ctx) => {
    if (process.platform === 'win32') {
      console.info('skipped: Windows has no Unix permission bits (the ACL of %APPDATA% applies)');
      return ctx.skip('Windows has no Unix permission bits');
    }
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'logs', 'meterdesk.log')).mode & 0o777).toBe(0o600);
  });

  it('carries a call from the page through the preload, ipcMain and the router, and an event back', async () => {
    // The preload as the sandboxed window runs it: it exposes window.meterdesk and nothing else.
    await import('../preload/index');
    expect([...fake.calls.exposed.keys()]).toEqual(['meterdesk']);
    const meterdesk = fake.calls.exposed.get('meterdesk') as MeterdeskBridge;

    const changes: Settings[] = [];
    const unsubscribe = meterdesk.on('settings:changed', (settings) => changes.push(settings));
    const saved = await meterdesk['settings:set']({ theme: 'dark' });
    expect(saved).toMatchObject({ ok: true, value: { theme: 'dark' } });
    await vi.waitFor(() => expect(changes.at(-1)?.theme).toBe('dark'));
    unsubscribe();

    const read = await meterdesk['settings:get']({});
    expect(read).toMatchObject({ ok: true, value: { theme: 'dark' } });
    // Through electron-store's file in the data folder, private.
    const file = join(dataDir, 'settings.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ settings: { theme: 'dark' } });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);

    // The contract's validation is in the path too: a bad value comes back as a Result.
    const refused = await meterdesk['settings:set']({ theme: 'neon' } as never);
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('refuses the same call from a frame that is not the app', async () => {
    const handler = fake.ipcHandlers.get([...fake.ipcHandlers.keys()][0] ?? '');
    const window = fake.windows[0];
    if (!handler || !window) throw new Error('the ipc host registered no handler');
    const answer = await handler(
      { sender: window.webContents, senderFrame: { url: 'https://evil.example/', parent: null } },
      {},
    );
    expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('asks the user when the page holds its unload for unsent work: Stay keeps it, Leave lets it go', () => {
    const window = fake.windows[0];
    const listeners = window?.webContents.listeners.get('will-prevent-unload') ?? [];
    expect(listeners).toHaveLength(1);
    const unload = (answer: number) => {
      fake.calls.answer = answer;
      const event = { preventDefault: vi.fn() };
      for (const listener of listeners) listener(event);
      return event.preventDefault;
    };
    expect(unload(1)).not.toHaveBeenCalled();
    expect(unload(0)).toHaveBeenCalledOnce();
    expect(fake.calls.messageBoxes).toHaveLength(2);
    // Modal to the app's window, with the question's two answers.
    expect(fake.calls.messageBoxes[0]?.window).toBe(window);
    expect(fake.calls.messageBoxes[0]?.options.buttons).toEqual(['Leave', 'Stay']);
  });
});
