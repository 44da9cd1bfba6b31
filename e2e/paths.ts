// Repository paths the end-to-end harness needs, independent of the working directory.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The build folder: `out`, or MDESK_OUT_DIR so parallel work can build and test side by side. */
export const outDir = join(repoRoot, process.env.MDESK_OUT_DIR ?? 'out');
export const browserHostEntry = join(outDir, 'main', 'browser.js');
export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');
