// Durability of directory entries: a created or renamed file survives a power cut only once its
// folder is synced too.
import { open } from 'node:fs/promises';

/** Makes a new directory entry durable; Windows cannot open directories, and needs no such step. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
