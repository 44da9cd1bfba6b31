// Replacing a file so that a crash leaves the old content or the new, never half of either: the
// text goes to a private temp file beside it, is synced, and is renamed over the target.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/** The mark in the names of temp files, so a folder's leftovers can be swept. */
export const TEMP_MARK = '.tmp-';

export async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}${TEMP_MARK}${randomBytes(6).toString('hex')}`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
