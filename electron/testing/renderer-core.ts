// Global setup of the renderer test project: the real core, with its built-in sandbox, behind
// the real browser host on 127.0.0.1, so screens rendered in jsdom talk to what users' screens
// talk to. The host's address and token reach the tests through vitest's provide/inject.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createFileLogger } from '../adapters/file-logger';
import { createConfStore } from '../adapters/storage/conf-store';
import { startHttpHost } from '../hosts/http';
import { startCore } from '../main/core';
import { pinnedClock } from './time';

export type LiveCoreAddress = { origin: string; token: string; now: number };

declare module 'vitest' {
  export interface ProvidedContext {
    liveCore: LiveCoreAddress;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-renderer-core-'));
  const logger = createFileLogger(dataDir);
  const clock = pinnedClock();
  const core = await startCore({
    host: 'browser',
    dataDir,
    settingsStore: createConfStore(dataDir, 'settings'),
    logger,
    sandboxHistoryEvents: 200,
    now: clock.now,
  });
  const host = await startHttpHost({
    router: core.router,
    bus: core.bus,
    rendererDir: dataDir,
    port: 0,
    logger,
  });
  project.provide('liveCore', {
    origin: `http://127.0.0.1:${host.port}`,
    token: host.token,
    now: clock.now(),
  });
  return async () => {
    await host.close();
    await core.close();
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  };
}
