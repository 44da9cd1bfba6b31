// settings.json holds the settings, the saved connections' public parts and the product catalog.
// If it no longer parses (a disk fault, a hand edit), electron-store and conf throw at start and
// the app would exit. Instead the damaged file is set aside under a dated name, start-up goes on
// with defaults, and the notice returned here tells the user (a banner) what happened.
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { StartupNotice } from '../../../shared/channels/app-health';

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** "2026-07-01T14-32-05-123Z": a time stamp that is a valid file name on every platform. */
function fileStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

/** Moves `<dir>/<name>.json` aside when it is not a JSON object; null when it is fine or absent. */
export function setAsideDamagedSettings(
  dataDir: string,
  name: string,
  now: () => number,
): StartupNotice | null {
  const path = join(dataDir, `${name}.json`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (isJsonObject(text)) return null;
  const movedTo = `${path}.corrupt-${fileStamp(now())}`;
  renameSync(path, movedTo);
  return {
    kind: 'settings-reset',
    message:
      'The settings file could not be read, so Meterdesk started with default settings: ' +
      'saved connections and the product catalog are empty until you add them again.',
    movedTo,
  };
}
