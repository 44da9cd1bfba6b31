// Correction cases on disk: one JSON file per case under <data>/corrections/cases (folder 0700,
// files 0600). A save writes a temp file, fsyncs it, renames it over the case and fsyncs the
// folder, so a crash leaves the old case or the new one, never half of either.
import { chmod, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaseStore, StoredCase } from '../../services/corrections/ports';
import { syncDirectory } from './sync-directory';
import { TEMP_MARK, writeAtomically } from './atomic-write';

const CASE_FILE = /^(case-[a-z0-9-]{6,60})\.json$/;

export function correctionCasesDir(dataDir: string): string {
  return join(dataDir, 'corrections', 'cases');
}

export function createCorrectionCaseFiles(dataDir: string): CaseStore {
  const dir = correctionCasesDir(dataDir);
  let ready: Promise<void> | null = null;
  const ensureDir = (): Promise<void> => {
    ready ??= (async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(join(dataDir, 'corrections'), 0o700);
      await chmod(dir, 0o700);
      for (const name of await readdir(dir)) {
        if (name.includes(TEMP_MARK)) await rm(join(dir, name), { force: true });
      }
    })();
    ready.catch(() => {
      ready = null;
    });
    return ready;
  };

  const pathOf = (caseId: string): string => {
    if (!CASE_FILE.test(`${caseId}.json`)) throw new Error(`Not a case id: ${caseId}`);
    return join(dir, `${caseId}.json`);
  };

  async function read(path: string): Promise<StoredCase | undefined> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as StoredCase;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  return {
    async list() {
      await ensureDir();
      const cases: StoredCase[] = [];
      for (const name of await readdir(dir)) {
        const match = CASE_FILE.exec(name);
        if (!match?.[1]) continue;
        const found = await read(join(dir, name));
        if (found) cases.push(found);
      }
      return cases;
    },
    async get(caseId) {
      await ensureDir();
      return read(pathOf(caseId));
    },
    async save(stored) {
      await ensureDir();
      await writeAtomically(pathOf(stored.caseId), `${JSON.stringify(stored, null, 2)}\n`);
      await syncDirectory(dir);
    },
  };
}
