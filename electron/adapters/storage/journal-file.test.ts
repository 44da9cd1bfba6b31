import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJournal } from '../../services/journal/journal';
import { measureAppendCost } from '../../services/journal/testing/measure';
import { createJournalFile, journalPath } from './journal-file';

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
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
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
  });
});
