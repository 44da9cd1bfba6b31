// Repository paths the end-to-end harness needs, independent of the working directory.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const browserHostEntry = join(repoRoot, 'out', 'main', 'browser.js');
export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');
