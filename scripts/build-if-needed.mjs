// Builds out/ with electron-vite when any source is newer than the last build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// MDESK_OUT_DIR lets parallel work build and test side by side without racing on out/.
export const outDir = join(root, process.env.MDESK_OUT_DIR ?? 'out');
const stampFile = join(outDir, '.build-stamp');
const sources = ['electron', 'renderer', 'shared', 'package.json', 'electron.vite.config.ts'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function buildIfNeeded({ quiet = false } = {}) {
  const built = existsSync(stampFile) ? statSync(stampFile).mtimeMs : 0;
  const newest = Math.max(...sources.map((source) => newestMtime(join(root, source))));
  if (built >= newest && existsSync(join(outDir, 'main', 'browser.js'))) return;
  if (!quiet) console.error('Building Meterdesk (sources changed since the last build)…');
  const run = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: root,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) {
    console.error('The build failed; see the messages above.');
    process.exit(run.status ?? 1);
  }
  writeFileSync(stampFile, new Date().toISOString());
}
