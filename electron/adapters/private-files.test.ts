// Files at rest: the data folder 0700 and every file in it 0600, whoever created it.
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../sandbox';
import { createFileLogger } from './file-logger';
import { preparePrivateDataFolder, tightenPrivateTree } from './private-files';
import { createConfStore } from './storage/conf-store';
import { createDuckDbAuditOpener } from './storage/duckdb';
import { createJournalFile } from './storage/journal-file';
import { createResolutionHistoryFile } from './storage/resolution-history';
import { pinnedClock } from '../testing/time';

const unix = process.platform !== 'win32';
const modeOf = (path: string): number => statSync(path).mode & 0o777;

/** Every folder and file under root with its permission bits (symbolic links left out). */
function walk(root: string): { path: string; dir: boolean; mode: number }[] {
  const found: { path: string; dir: boolean; mode: number }[] = [];
  const visit = (path: string): void => {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return;
    found.push({ path, dir: stats.isDirectory(), mode: stats.mode & 0o777 });
    if (stats.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
  };
  visit(root);
  return found;
}

function expectAllPrivate(root: string): void {
  const loose = walk(root).filter((entry) => entry.mode !== (entry.dir ? 0o700 : 0o600));
  expect(loose.map((entry) => `${entry.path} ${entry.mode.toString(8)}`)).toEqual([]);
}

let scratch: string;
let originalUmask: number;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'meterdesk-private-'));
  // A typical desktop umask: without explicit modes, files would come out 0644.
  originalUmask = process.umask(0o022);
});

afterAll(() => {
  process.umask(originalUmask);
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
});

describe.runIf(unix)('files at rest', () => {
  it('every writer of the data folder creates 0600 files in 0700 folders, even under umask 022', async () => {
    const dataDir = join(scratch, 'explicit');
    const logger = createFileLogger(dataDir);
    logger.info('hello');
    const settings = createConfStore(dataDir, 'settings');
    settings.set('settings', { theme: 'dark' });
    const journal = createJournalFile(dataDir);
    await journal.append('{"kind":"intent"}\n');
    await journal.close();
    const history = createResolutionHistoryFile(join(dataDir, 'customers', 'history.jsonl'));
    history.append({
      id: 'r1',
      at: new Date(pinnedClock().now()).toISOString(),
      connectionId: 'sandbox',
      connectionName: 'Sandbox',
      region: 'us-east-1',
      tokenHash: 'abc',
      source: 'raw',
      outcome: 'failed',
    });
    history.clear();
    const sandbox = await startSandbox({
      dataDir: join(dataDir, 'sandbox'),
      port: 0,
      historyEvents: 0,
      now: pinnedClock().now,
    });
    await sandbox.close();

    const files = walk(dataDir)
      .filter((entry) => !entry.dir)
      .map((entry) => entry.path);
    for (const expected of [
      join(dataDir, 'settings.json'),
      join(dataDir, 'logs', 'meterdesk.log'),
      join(dataDir, 'journal', 'journal.jsonl'),
      join(dataDir, 'customers', 'history.jsonl'),
      join(dataDir, 'sandbox', 'credentials.json'),
    ]) {
      expect(files).toContain(expected);
      expect(modeOf(expected).toString(8), expected).toBe('600');
    }
    for (const folder of ['logs', 'journal', 'customers', 'sandbox']) {
      expect(modeOf(join(dataDir, folder)).toString(8), folder).toBe('700');
    }
  });

  it('tightens a folder an older version (or a person) left open, without following links', () => {
    const dataDir = join(scratch, 'older');
    const outside = join(scratch, 'outside.txt');
    writeFileSync(outside, 'not ours');
    chmodSync(outside, 0o644);
    mkdirSync(join(dataDir, 'journal'), { recursive: true });
    writeFileSync(join(dataDir, 'settings.json'), '{}');
    writeFileSync(join(dataDir, 'journal', 'journal.jsonl'), '');
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'journal'), 0o775);
    chmodSync(join(dataDir, 'settings.json'), 0o644);
    chmodSync(join(dataDir, 'journal', 'journal.jsonl'), 0o666);
    symlinkSync(outside, join(dataDir, 'link-to-outside'));

    expect(tightenPrivateTree(dataDir)).toEqual({ folders: 2, files: 2 });
    expectAllPrivate(dataDir);
    expect(modeOf(outside).toString(8)).toBe('644');
    expect(tightenPrivateTree(dataDir)).toEqual({ folders: 0, files: 0 });
  });

  it('at start, whatever a library creates afterwards is private too (umask 077)', async () => {
    const dataDir = join(scratch, 'started');
    preparePrivateDataFolder(dataDir);
    // As a library would: no mode given.
    mkdirSync(join(dataDir, 'some-library'), { recursive: true });
    writeFileSync(join(dataDir, 'some-library', 'state.bin'), 'x');
    // The audit cache: DuckDB's native code creates the database and its write-ahead log.
    const db = await createDuckDbAuditOpener({
      dir: join(dataDir, 'audit'),
      memoryLimit: '64MB',
      threads: 1,
    })('111122223333');
    await db.close();
    expect(walk(join(dataDir, 'audit')).some((entry) => entry.path.endsWith('.duckdb'))).toBe(true);
    expectAllPrivate(dataDir);
  });
});
