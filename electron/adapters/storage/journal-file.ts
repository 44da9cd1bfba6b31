// The journal on disk: one append-only file, <data>/journal/journal.jsonl. An append resolves
// only after the bytes are fsynced, because an intent line must be durable before its AWS call
// leaves the process. Its anchor is <data>/journal-anchor.json, outside the journal's folder so
// that deleting the folder is seen too; archived journals are kept read-only in
// <data>/journal/archive/.
import {
  chmod,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JournalAnchor } from '../../services/journal/anchor';
import type { JournalFile } from '../../services/journal/journal';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../private-files';
import { syncDirectory } from './sync-directory';

export function journalPath(dataDir: string): string {
  return join(dataDir, 'journal', 'journal.jsonl');
}

export function journalAnchorPath(dataDir: string): string {
  return join(dataDir, 'journal-anchor.json');
}

export function journalArchiveDir(dataDir: string): string {
  return join(dataDir, 'journal', 'archive');
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

async function readAnchor(path: string): Promise<JournalAnchor | null> {
  const text = await readText(path);
  try {
    const parsed = JSON.parse(text) as Partial<JournalAnchor>;
    if (typeof parsed.entries === 'number' && typeof parsed.head === 'string') {
      return { entries: parsed.entries, head: parsed.head };
    }
  } catch {
    // Missing or unreadable (a power cut during its replacement): nothing to hold against.
  }
  return null;
}

/** Replaced through a temp file and a rename: a crash leaves the old anchor or the new. */
async function writeAnchor(path: string, anchor: JournalAnchor): Promise<void> {
  const temp = `${path}.tmp`;
  await writeFile(temp, `${JSON.stringify(anchor)}\n`, { mode: PRIVATE_FILE_MODE });
  await rename(temp, path);
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
    readAll: () => readText(path),
    anchor: {
      read: () => readAnchor(journalAnchorPath(dataDir)),
      write: (anchor) => writeAnchor(journalAnchorPath(dataDir), anchor),
    },
    async archive() {
      const file = handle;
      handle = undefined;
      await file?.close();
      const dir = journalArchiveDir(dataDir);
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const name = join(dir, `journal-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
      if (!(await exists(path))) {
        // Deleted: the archive records that nothing was there.
        await writeFile(name, '', { mode: PRIVATE_FILE_MODE });
      } else {
        await rename(path, name);
      }
      await chmod(name, 0o400);
      await syncDirectory(dir);
      await syncDirectory(dirname(path));
      return name;
    },
    async readArchives() {
      const dir = journalArchiveDir(dataDir);
      let names: string[];
      try {
        names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return Promise.all(names.map((n) => readText(join(dir, n))));
    },
    async close() {
      const file = handle;
      handle = undefined;
      await file?.close();
    },
  };
}
