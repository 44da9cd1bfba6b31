// AuditCacheFiles on node:fs: one folder, plain names. Appends are fsynced (events older than
// CloudTrail's 90 days exist nowhere else); replacements go through a temp file and rename.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditCacheFiles } from '../../services/audit/persistence';

const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const TEMP_MARK = '.tmp-';

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}

export function createAuditCacheFiles(dir: string): AuditCacheFiles {
  let ready: Promise<void> | null = null;
  const ensureDir = (): Promise<void> => {
    ready ??= (async () => {
      await mkdir(dir, { recursive: true });
      // Leftovers of a replace that crashed before its rename.
      for (const name of await readdir(dir)) {
        if (name.includes(TEMP_MARK)) await rm(join(dir, name), { force: true });
      }
    })();
    return ready;
  };
  const pathOf = (name: string): string => {
    if (!SAFE_NAME.test(name) || name.includes(TEMP_MARK)) {
      throw new Error(`Not a cache file name: ${name}`);
    }
    return join(dir, name);
  };

  async function syncDir(): Promise<void> {
    // Makes the rename durable; not every platform can open a folder, so best effort.
    try {
      const handle = await open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // Windows cannot fsync a directory.
    }
  }

  return {
    async list() {
      await ensureDir();
      return (await readdir(dir)).filter((n) => SAFE_NAME.test(n) && !n.includes(TEMP_MARK));
    },
    async size(name) {
      try {
        return (await stat(pathOf(name))).size;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async read(name) {
      try {
        return await readFile(pathOf(name));
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async readRange(name, offset, length) {
      let handle;
      try {
        handle = await open(pathOf(name), 'r');
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        return bytesRead === length ? buffer : null;
      } finally {
        await handle.close();
      }
    },
    async *stream(name, start) {
      const path = pathOf(name);
      try {
        await stat(path);
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      for await (const chunk of createReadStream(path, { start, highWaterMark: 1 << 20 })) {
        yield chunk as Buffer;
      }
    },
    async append(name, data) {
      await ensureDir();
      const handle = await open(pathOf(name), 'a');
      try {
        await handle.writeFile(data);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    },
    async replace(name, data) {
      await ensureDir();
      const target = pathOf(name);
      const temp = join(dir, `${name}${TEMP_MARK}${randomBytes(6).toString('hex')}`);
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      await syncDir();
    },
    async remove(name) {
      await rm(pathOf(name), { force: true });
    },
  };
}
