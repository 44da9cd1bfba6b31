import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJournal } from '../../services/journal/journal';
import { measureAppendCost } from '../../services/journal/testing/measure';
import { createJournalFile, journalArchiveDir, journalPath } from './journal-file';

const context = {
  connectionId: 'c1',
  connectionName: 'Prod',
  account: '123456789012',
  region: 'us-east-1',
  osUser: 'ana',
};

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meterdesk-journal-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

describe('journal file on disk', () => {
  it('has the line on disk when append resolves (read back through a fresh handle)', async () => {
    const dataDir = join(tempDir(), 'not-yet-created');
    const file = createJournalFile(dataDir);
    expect(file.path).toBe(journalPath(dataDir));
    expect(await file.readAll()).toBe('');
    const journal = createJournal(file);
    const line = await journal.append({
      kind: 'submission-started',
      submissionId: 's1',
      operation: 'BatchMeterUsage',
      context,
      groups: [],
      totalRecords: 0,
    });
    const onDisk = readFileSync(join(dataDir, 'journal', 'journal.jsonl'), 'utf8');
    expect(onDisk.endsWith('\n')).toBe(true);
    expect(JSON.parse(onDisk.trim())).toEqual(line);
    await journal.append({ kind: 'submission-cancelled', submissionId: 's1', context });
    expect(readFileSync(file.path, 'utf8').split('\n')).toHaveLength(3);
    await file.close();
    // A new process (fresh file object) continues the same chain.
    const again = createJournal(createJournalFile(dataDir));
    expect(await again.open()).toEqual({ ok: true, lines: 2 });
  });

  it('measures the cost of a durable append', async () => {
    const file = createJournalFile(tempDir());
    const cost = await measureAppendCost(createJournal(file), 20);
    await file.close();
    expect(cost.appends).toBe(20);
    expect(cost.msPerAppend).toBeGreaterThan(0);
    expect(readFileSync(file.path, 'utf8').split('\n')).toHaveLength(21);
  });
});

describe('a journal shrunk, deleted or replaced on disk', () => {
  async function threeLines(dataDir: string): Promise<string> {
    const file = createJournalFile(dataDir);
    await measureAppendCost(createJournal(file), 3);
    await file.close();
    return readFileSync(file.path, 'utf8');
  }

  it('is broken when cut off at a line boundary or deleted with its folder', async () => {
    const dataDir = tempDir();
    const text = await threeLines(dataDir);
    writeFileSync(journalPath(dataDir), `${text.split('\n').slice(0, 2).join('\n')}\n`);
    expect(await createJournal(createJournalFile(dataDir)).verify()).toMatchObject({
      ok: false,
      firstBrokenLine: 3,
    });
    rmSync(join(dataDir, 'journal'), { recursive: true });
    expect(await createJournal(createJournalFile(dataDir)).verify()).toMatchObject({
      ok: false,
      firstBrokenLine: 1,
    });
  });

  it('is archived read-only and a new chain starts in its place', async () => {
    const dataDir = tempDir();
    const text = await threeLines(dataDir);
    const cut = `${text.split('\n').slice(0, 2).join('\n')}\n`;
    writeFileSync(journalPath(dataDir), cut);
    const file = createJournalFile(dataDir);
    const journal = createJournal(file);
    const archived = await journal.archiveAndRestart();
    await file.close();
    expect(archived.file.startsWith(journalArchiveDir(dataDir))).toBe(true);
    expect(readFileSync(archived.file, 'utf8')).toBe(cut);
    if (process.platform !== 'win32') expect(statSync(archived.file).mode & 0o777).toBe(0o400);
    const again = createJournal(createJournalFile(dataDir));
    expect(await again.open()).toEqual({ ok: true, lines: 1 });
    expect((await again.entries()).map((e) => e.kind)).toEqual([
      'call-intent',
      'call-intent',
      'journal-restarted',
    ]);
  });
});

describe('npm run journal -- verify', () => {
  const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
  const run = (dataDir: string) =>
    spawnSync(tsx, ['electron/cli/journal.ts', 'verify', '--data', dataDir], {
      encoding: 'utf8',
    });

  it('exits 0 on an intact journal and 1 with the first broken line', async () => {
    const dataDir = tempDir();
    const file = createJournalFile(dataDir);
    await measureAppendCost(createJournal(file), 3);
    await file.close();

    const intact = run(dataDir);
    expect(intact.stdout).toMatch(/^journal intact: 3 lines \(/);
    expect(intact.status).toBe(0);

    const text = readFileSync(file.path, 'utf8');
    writeFileSync(file.path, text.replace('"Quantity":1001', '"Quantity":9001'));
    const broken = run(dataDir);
    expect(broken.stdout).toMatch(
      /^journal BROKEN at line 1 of 3: line 1 does not match its own hash/,
    );
    expect(broken.status).toBe(1);

    writeFileSync(file.path, text.split('\n').slice(0, 2).join('\n') + '\n');
    const cut = run(dataDir);
    expect(cut.stdout).toMatch(/^journal BROKEN at line 3 of 2: the journal holds 2 entries/);
    expect(cut.status).toBe(1);
  });
});
