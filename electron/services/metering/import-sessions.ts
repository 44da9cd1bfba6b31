// Import sessions in main: the parts of a file being uploaded, and finished imports kept behind
// handles so the renderer pages through 100,000 rows instead of receiving them at once. An
// import lives while its screen keeps it alive (or until it is closed); an upload nobody
// finishes is freed after ten minutes.
import { IMPORT_IDLE_MS } from '../../../shared/channels/metering';
import { AppError } from '../../../shared/errors';
import { createPartUploads } from '../part-uploads';
import type { ImportResult } from './csv-import';

/** The file an import read and how, so a saved draft can read it again after a restart. */
export type ImportSource = {
  text: string;
  aggregate: boolean;
  defaultProductId?: string;
  fileName?: string;
  zone?: string;
};

export type ImportSession = ImportResult & {
  handle: string;
  source?: ImportSource;
  createdAt: number;
  /** Last time the renderer used or kept this import (epoch ms). */
  usedAt: number;
  /** Ready rows by dedup key, built the first time someone asks. */
  readyByKey?: Map<string, number>;
};

const MAX_UPLOAD_CHARS = 200_000_000;
/** An upload with no new part for this long was abandoned. */
export const UPLOAD_IDLE_MS = 10 * 60_000;
/** An import no screen has kept alive for IMPORT_IDLE_MS was closed without saying so. */
export { IMPORT_IDLE_MS };

export function createImportSessions(deps: { newId: () => string; now: () => number }) {
  const uploads = createPartUploads({
    newId: deps.newId,
    maxChars: MAX_UPLOAD_CHARS,
    tooLargeHint: 'Split it into files of at most a million rows.',
    // Only idleness ends an upload here: several large files may be on their way at once.
    maxOpen: Number.POSITIVE_INFINITY,
    idle: { ms: UPLOAD_IDLE_MS, now: deps.now },
  });
  const imports = new Map<string, ImportSession>();

  /** Frees abandoned uploads and imports no screen keeps alive; returns how many of each. */
  function sweep(): { uploads: number; imports: number } {
    const now = deps.now();
    const freedUploads = uploads.sweep();
    let freedImports = 0;
    for (const [handle, session] of imports) {
      if (now - session.usedAt < IMPORT_IDLE_MS) continue;
      imports.delete(handle);
      freedImports += 1;
    }
    return { uploads: freedUploads, imports: freedImports };
  }

  function get(handle: string): ImportSession {
    sweep();
    const session = imports.get(handle);
    if (!session) {
      throw new AppError('NOT_FOUND', 'This import is no longer available.', {
        hint: 'Import the file again.',
      });
    }
    session.usedAt = deps.now();
    return session;
  }

  return {
    /** Buffers one part; returns the upload id and the characters received so far. */
    append(uploadId: string | undefined, text: string): { uploadId: string; chars: number } {
      sweep();
      return uploads.append(uploadId, text);
    },
    /**
     * The whole text of an upload, as the parts it arrived in (and forgets it). Kept in parts so
     * the import worker receives them one message at a time, never as one 30 MB copy.
     */
    take(uploadId: string | undefined, last: string): string[] {
      sweep();
      return uploads.takeParts(uploadId, last);
    },
    keep(result: ImportResult, source?: ImportSource): ImportSession {
      sweep();
      const now = deps.now();
      const session: ImportSession = {
        ...result,
        handle: deps.newId(),
        createdAt: now,
        usedAt: now,
      };
      if (source) session.source = source;
      imports.set(session.handle, session);
      return session;
    },
    get,
    page(handle: string, filter: 'ready' | 'review', offset: number, limit: number) {
      const session = get(handle);
      const list = filter === 'ready' ? session.ready : session.review;
      const rows = list
        .slice(offset, offset + limit)
        .flatMap((i) => (session.rows[i] ? [session.rows[i]] : []));
      return { total: list.length, rows };
    },
    /** The ready rows with these dedup keys (what an edited record would collide with). */
    collisions(handle: string, keys: readonly string[]): { rows: ImportSession['rows'] } {
      const session = get(handle);
      if (!session.readyByKey) {
        session.readyByKey = new Map();
        for (const i of session.ready) {
          const key = session.rows[i]?.key;
          if (key !== null && key !== undefined) session.readyByKey.set(key, i);
        }
      }
      const byKey = session.readyByKey;
      const rows = keys.flatMap((key) => {
        const index = byKey.get(key);
        const row = index === undefined ? undefined : session.rows[index];
        return row ? [row] : [];
      });
      return { rows };
    },
    /** The open screen says it still shows these imports; answers which are still here. */
    keepAlive(handles: readonly string[]): { alive: string[] } {
      sweep();
      const now = deps.now();
      const alive: string[] = [];
      for (const handle of handles) {
        const session = imports.get(handle);
        if (!session) continue;
        session.usedAt = now;
        alive.push(handle);
      }
      return { alive };
    },
    /** The screen discarded or replaced the import. */
    close(handle: string): { closed: boolean } {
      return { closed: imports.delete(handle) };
    },
    sweep,
    /** What is held now (for tests and the log). */
    held(): { uploads: number; imports: number } {
      return { uploads: uploads.size(), imports: imports.size };
    },
  };
}
export type ImportSessions = ReturnType<typeof createImportSessions>;
