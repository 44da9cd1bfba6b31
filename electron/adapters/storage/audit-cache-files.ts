// The files of the audit cache earlier versions wrote (one folder, plain names), read once to
// move them into the cache database and then removed.
import { createReadStream } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LegacyCacheFiles } from '../../services/audit/legacy-cache';

const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}

export function createLegacyCacheFiles(dir: string): LegacyCacheFiles {
  const pathOf = (name: string): string => {
    if (!SAFE_NAME.test(name)) throw new Error(`Not a cache file name: ${name}`);
    return join(dir, name);
  };
  return {
    async list() {
      try {
        return (await readdir(dir)).filter((n) => SAFE_NAME.test(n));
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
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
    async *stream(name) {
      const path = pathOf(name);
      try {
        await stat(path);
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
        yield chunk as Buffer;
      }
    },
    async remove(name) {
      await rm(pathOf(name), { force: true });
    },
  };
}
