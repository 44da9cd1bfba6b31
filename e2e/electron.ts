// Whether an Electron binary exists here. This reads the electron package's path.txt instead of
// calling `require('electron')`, because that require tries to download the binary when it is
// missing — a slow, noisy failure on an offline machine.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronAvailability =
  { available: true; executablePath: string } | { available: false; reason: string };

export function electronAvailability(): ElectronAvailability {
  const missing = (what: string): ElectronAvailability => ({
    available: false,
    reason: `Electron binary not installed (${what}): electron project skipped`,
  });
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return missing('the electron package is not installed');
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override !== undefined && override !== '') {
    const executablePath = join(override, relative || 'electron');
    return existsSync(executablePath)
      ? { available: true, executablePath }
      : missing(`${executablePath} missing`);
  }
  if (relative === '') return missing('node_modules/electron/dist missing');
  const executablePath = join(packageDir, 'dist', relative);
  return existsSync(executablePath)
    ? { available: true, executablePath }
    : missing(`node_modules/electron/dist/${relative} missing`);
}
