// Composition root of the desktop app: creates the real adapters (electron-store, file logger,
// the app:// protocol, the ipc host) and hands them to the core. Nothing else touches Electron's app.
//   electron . [--data DIR]
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BrowserWindow,
  Menu,
  app,
  dialog,
  nativeTheme,
  protocol,
  safeStorage,
  session,
  shell,
} from 'electron';
import { createFileLogger, logFilePath } from '../adapters/file-logger';
import { readFlag } from '../adapters/paths';
import { preparePrivateDataFolder } from '../adapters/private-files';
import { createSafeStorageSecretStore } from '../adapters/secrets/safe-storage';
import { createElectronStore } from '../adapters/storage/electron-store';
import { setAsideDamagedSettings } from '../adapters/storage/settings-file';
import { devContentSecurityPolicy } from '../app/csp';
import { devRendererUrl } from '../app/dev-server';
import { buildMenuTemplate } from '../app/menu';
import { APP_ENTRY_URL, APP_ORIGIN, createOriginMatcher, isAppUrl } from '../app/origin';
import { handleAppProtocol, registerAppScheme } from '../app/protocol';
import { hardenApp, hardenSession } from '../app/security';
import { askBeforeUnload } from '../app/leave-prompt';
import { mainWindowFrame, showWhenReady } from '../app/window';
import { startElectronIpcHost } from '../hosts/ipc';
import { appClock } from '../adapters/clock';
import { startCore, type Core } from './core';

const outDir = fileURLToPath(new URL('..', import.meta.url));
// Only an unpackaged app follows the dev server, and only on http://localhost.
const devServerUrl = devRendererUrl(process.env.ELECTRON_RENDERER_URL, app.isPackaged) ?? undefined;
const isDev = devServerUrl !== undefined;

// A portable or test data folder must be chosen before anything reads userData.
const dataFlag = readFlag(process.argv, 'data');
if (dataFlag !== undefined) app.setPath('userData', resolve(dataFlag));
const dataDir = app.getPath('userData');
// Before anything writes there: new files 0600 in 0700 folders, and an older folder tightened.
preparePrivateDataFolder(dataDir);
// Tests only: a smaller seeded CloudTrail history for the sandbox (as the browser host's flag).
const historyFlag = Number(readFlag(process.argv, 'sandbox-history') ?? Number.NaN);
const sandboxHistoryEvents =
  Number.isInteger(historyFlag) && historyFlag >= 0 ? historyFlag : undefined;
const logger = createFileLogger(dataDir);

if (!app.requestSingleInstanceLock({ dataDir })) {
  // Two instances on one data folder would interleave journal lines; the first one wins.
  app.quit();
} else {
  registerAppScheme(protocol); // must run before the app is ready
  const isTrustedUrl = devServerUrl
    ? createOriginMatcher([APP_ORIGIN, new URL(devServerUrl).origin])
    : isAppUrl;
  hardenApp(app, { shell, logger, isTrustedUrl });

  let core: Core | null = null;
  let disposeIpc: (() => void) | null = null;

  const createWindow = async (): Promise<void> => {
    if (!core) return;
    // webPreferences are written here, at the call site, so a reader (and a scanner such as
    // electronegativity) sees every security flag of the window where it is created.
    const window = new BrowserWindow({
      ...mainWindowFrame({
        theme: core.settings().theme,
        systemPrefersDark: nativeTheme.shouldUseDarkColors,
      }),
      webPreferences: {
        // Reviewed (the scanner asks for a review of every preload): it exposes only
        // window.meterdesk, one function per contract channel (preload/bridge.ts).
        preload: join(outDir, 'preload', 'index.cjs'), // eng-disable PRELOAD_JS_CHECK
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        // Middle-click (auxclick) on a link must not open a window; the window-open handler
        // treats every kind of click the same way (security.ts).
        disableBlinkFeatures: 'Auxclick',
        spellcheck: false,
        navigateOnDragDrop: false,
        safeDialogs: true,
        devTools: isDev,
      },
    });
    showWhenReady(window);
    // The renderer's beforeunload asks to keep unsent work; main puts the question to the user.
    askBeforeUnload(window.webContents, (options) => dialog.showMessageBoxSync(window, options));
    await window.loadURL(devServerUrl ?? APP_ENTRY_URL);
  };

  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });

  let quitting = false;
  // After every window agreed to close (one with unsent work may ask and stay open, which
  // cancels the quit): only then let the core flush (sandbox state, journal) and end.
  app.on('will-quit', (event) => {
    if (quitting || !core) return;
    event.preventDefault();
    quitting = true;
    disposeIpc?.();
    void core.close().finally(() => app.quit());
  });

  void app
    .whenReady()
    .then(async () => {
      handleAppProtocol(protocol, { rendererDir: join(outDir, 'renderer'), logger });
      hardenSession(session.defaultSession, {
        logger,
        ...(devServerUrl ? { csp: devContentSecurityPolicy(devServerUrl) } : {}),
      });
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          buildMenuTemplate({
            isMac: process.platform === 'darwin',
            devTools: isDev,
            openExternal: (url) => void shell.openExternal(url),
          }),
        ),
      );
      const now = appClock();
      const settingsNotice = setAsideDamagedSettings(dataDir, 'settings', now);
      if (settingsNotice) {
        logger.warn('settings file unreadable: set aside, starting with defaults', {
          movedTo: settingsNotice.movedTo,
        });
      }
      core = await startCore({
        host: 'electron',
        dataDir,
        settingsStore: createElectronStore(dataDir, 'settings'),
        logger,
        now,
        notices: settingsNotice ? [settingsNotice] : [],
        importWorker: { url: new URL('./import-worker.js', import.meta.url) },
        ingestWorker: { url: new URL('./ingest-worker.js', import.meta.url) },
        ...(sandboxHistoryEvents === undefined ? {} : { sandboxHistoryEvents }),
        // safeStorage is usable only once the app is ready, which it is here.
        secrets: createSafeStorageSecretStore({
          safeStorage,
          platform: process.platform,
          dir: join(dataDir, 'secrets'),
        }),
      });
      disposeIpc = (
        await startElectronIpcHost({
          router: core.router,
          bus: core.bus,
          logger,
          isTrustedUrl,
          getWebContents: () => BrowserWindow.getAllWindows().map((window) => window.webContents),
        })
      ).dispose;
      await createWindow();
    })
    .catch((error: unknown) => {
      logger.error('startup failed', { error });
      // Never a silent exit: say what failed and where the details are.
      dialog.showErrorBox(
        'Meterdesk could not start',
        `${error instanceof Error ? error.message : String(error)}\n\nDetails: ${logFilePath(dataDir)}`,
      );
      app.exit(1);
    });
}
