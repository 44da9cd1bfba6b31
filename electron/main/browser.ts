// Composition root of the browser host: the same core as the desktop app, served over HTTP on
// 127.0.0.1 for machines where Electron cannot start, and for the end-to-end tests.
//   node out/main/browser.js [--port N] [--data DIR] [--sandbox-history N]
// --sandbox-history seeds the built-in sandbox's CloudTrail history with N events on a new data
// folder (default 5,000); end-to-end tests use a few hundred so a full sync takes seconds.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { createConfStore } from '../adapters/storage/conf-store';
import { createFileLogger } from '../adapters/file-logger';
import { defaultDataFolder, readFlag } from '../adapters/paths';
import { preparePrivateDataFolder } from '../adapters/private-files';
import { setAsideDamagedSettings } from '../adapters/storage/settings-file';
import { startHttpHost } from '../hosts/http';
import { appClock } from '../adapters/clock';
import { startCore } from './core';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const portFlag = readFlag(argv, 'port');
  const port = portFlag === undefined ? 0 : Number(portFlag);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(
      `--port must be a whole number from 0 to 65535, not "${portFlag ?? ''}"\n`,
    );
    process.exit(2);
  }
  const historyFlag = readFlag(argv, 'sandbox-history');
  const sandboxHistoryEvents = historyFlag === undefined ? undefined : Number(historyFlag);
  if (
    sandboxHistoryEvents !== undefined &&
    (!Number.isInteger(sandboxHistoryEvents) || sandboxHistoryEvents < 0)
  ) {
    process.stderr.write(
      `--sandbox-history must be a whole number of events, not "${historyFlag ?? ''}"\n`,
    );
    process.exit(2);
  }
  const dataFlag = readFlag(argv, 'data');
  const dataDir = dataFlag === undefined ? defaultDataFolder() : resolve(dataFlag);
  // Before anything writes there: new files 0600 in 0700 folders, and an older folder tightened.
  preparePrivateDataFolder(dataDir);
  const logger = createFileLogger(dataDir);
  const now = appClock();
  const settingsNotice = setAsideDamagedSettings(dataDir, 'settings', now);
  if (settingsNotice) {
    logger.warn('settings file unreadable: set aside, starting with defaults', {
      movedTo: settingsNotice.movedTo,
    });
  }
  const core = await startCore({
    host: 'browser',
    dataDir,
    settingsStore: createConfStore(dataDir, 'settings'),
    logger,
    now,
    notices: settingsNotice ? [settingsNotice] : [],
    importWorker: { url: new URL('./import-worker.js', import.meta.url) },
    ingestWorker: { url: new URL('./ingest-worker.js', import.meta.url) },
    ...(sandboxHistoryEvents === undefined ? {} : { sandboxHistoryEvents }),
  });
  const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url));
  const host = await startHttpHost({
    router: core.router,
    bus: core.bus,
    rendererDir,
    port,
    logger,
  });
  logger.info('browser host ready', { port: host.port });
  process.stdout.write(`Meterdesk ready at ${host.url}#token=${host.token}\n`);

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    void Promise.allSettled([host.close(), core.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Meterdesk could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
