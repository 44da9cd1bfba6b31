// The journal on disk: one append-only file, <data>/journal/journal.jsonl. An append resolves
// only after the bytes are fsynced, because an intent line must be durable before its AWS call
// leaves the process.
import { mkdir, open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JournalFile } from '../../services/journal/journal';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../private-files';
import { syncDirectory } from './sync-directory';

export function journalPath(dataDir: string): string {
  return join(dataDir, 'journal', 'journal.jsonl');
}

export type DiskJournalFile = JournalFile & {
  path: string;
  close: () => Promise<void>;
};

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export function createJournalFile(dataDir: string): DiskJournalFile {
  const path = journalPath(dataDir);
  let handle: FileHandle | undefined;

  async function ensureOpen(): Promise<FileHandle> {
    if (handle !== undefined) return handle;
    const dir = dirname(path);
    const dirExisted = await exists(dir);
    const fileExisted = dirExisted && (await exists(path));
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    // 'a': every write lands at the end, whatever else holds the file.
    const opened = await open(path, 'a', PRIVATE_FILE_MODE);
    if (!fileExisted) {
      // Without this, a crash could lose the file's name even though its data was synced.
      await syncDirectory(dir);
      if (!dirExisted) await syncDirectory(dirname(dir));
    }
    handle = opened;
    return opened;
  }

  return {
    path,
    async append(data) {
      const file = await ensureOpen();
      const bytes = Buffer.from(data, 'utf8');
      let written = 0;
      while (written < bytes.length) {
        const { bytesWritten } = await file.write(bytes, written, bytes.length - written);
        written += bytesWritten;
      }
      // fdatasync also flushes the size change an append makes, which is what reading it back needs.
      await file.datasync();
    },
    async readAll() {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
        throw error;
      }
    },
    async close() {
      const file = handle;
      handle = undefined;
      await file?.close();
    },
  };
}
