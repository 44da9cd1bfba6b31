// Runs once before the suite: builds out/ when sources changed (the same check `npm run
// test:e2e` makes) and says up front whether the Electron project can run here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { FullConfig } from '@playwright/test';
import { findChromium } from './chromium';
import { electronAvailability } from './electron';
import { browserHostEntry, repoRoot } from './paths';

export default async function globalSetup(config: FullConfig): Promise<void> {
  if (process.env.MDESK_E2E_SKIP_BUILD !== '1') {
    const build = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('./scripts/build-if-needed.mjs'); m.buildIfNeeded();",
      ],
      { cwd: repoRoot, stdio: 'inherit' },
    );
    if (build.status !== 0) throw new Error('Building Meterdesk for the end-to-end tests failed.');
  }
  if (!existsSync(browserHostEntry)) {
    throw new Error(`${browserHostEntry} is missing: run \`npm run build\` first.`);
  }
  // Find (and for the packed Chromium, unpack) the browser once, before workers start: two
  // workers unpacking it at the same moment fail with ETXTBSY. Workers inherit the path.
  if (config.projects.some((project) => project.name === 'chromium')) {
    const chromium = await findChromium();
    process.env.MDESK_CHROMIUM = chromium.executablePath;
    for (const [name, value] of Object.entries(chromium.env)) process.env[name] = value;
    console.log(`Chromium for the browser host: ${chromium.executablePath} (${chromium.source})`);
  }
  const electron = electronAvailability();
  if (!electron.available && config.projects.some((project) => project.name === 'electron')) {
    console.log(electron.reason);
  }
}
