// Metering drafts on disk: under <data>/drafts (folder 0700, files 0600), per connection a
// <key>.json (the records and what was taken out of the import) and a <key>.import.json (the file
// the import read, and how). The key is a hash of the connection id, so any id makes a safe name.
// A write goes to a temp file, is fsynced and renamed over the old one: a crash leaves the old
// draft or the new one, never half of either.
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DraftStore } from '../../services/drafts/drafts';
import { writeAtomically } from './atomic-write';

export function draftsDir(dataDir: string): string {
  return join(dataDir, 'drafts');
}

function keyOf(connectionId: string): string {
  return createHash('sha256').update(connectionId).digest('hex').slice(0, 32);
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    // Missing, or torn by a crash before the rename existed: there is no draft to restore.
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export function createDraftFiles(dataDir: string): DraftStore {
  const dir = draftsDir(dataDir);
  let ready: Promise<void> | null = null;
  const ensureDir = (): Promise<void> => {
    ready ??= (async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
    })();
    ready.catch(() => {
      ready = null;
    });
    return ready;
  };
  const draftPath = (connectionId: string): string => join(dir, `${keyOf(connectionId)}.json`);
  const sourcePath = (connectionId: string): string =>
    join(dir, `${keyOf(connectionId)}.import.json`);

  return {
    async read(connectionId) {
      await ensureDir();
      return readJson(draftPath(connectionId));
    },
    async write(connectionId, draft) {
      await ensureDir();
      await writeAtomically(draftPath(connectionId), JSON.stringify(draft));
    },
    async readSource(connectionId) {
      await ensureDir();
      return readJson(sourcePath(connectionId));
    },
    async writeSource(connectionId, source) {
      await ensureDir();
      await writeAtomically(sourcePath(connectionId), JSON.stringify(source));
    },
    async remove(connectionId) {
      await ensureDir();
      await rm(draftPath(connectionId), { force: true });
      await rm(sourcePath(connectionId), { force: true });
    },
  };
}
