// The journal held against its anchor: a file cut off at a line boundary, deleted or replaced is
// broken (JOURNAL_BROKEN, naming the line); a broken journal is archived and a new chain started
// whose first entry proves the old file; views read up to the break and flag what follows.
import { describe, expect, it } from 'vitest';
import type { JournalContext } from '../../../shared/journal';
import { AppError } from '../../../shared/errors';
import type { JournalAnchor } from './anchor';
import { createJournal, type AppendableEntry, type JournalFile } from './journal';
import { sha256Hex } from './verify';

type AnchoredFile = JournalFile & {
  data: string;
  anchored: JournalAnchor | null;
  archives: Map<string, string>;
};

function anchoredFile(): AnchoredFile {
  const file: AnchoredFile = {
    data: '',
    anchored: null,
    archives: new Map(),
    append: (data) => {
      file.data += data;
      return Promise.resolve();
    },
    readAll: () => Promise.resolve(file.data),
    anchor: {
      read: () => Promise.resolve(file.anchored),
      write: (anchor) => {
        file.anchored = anchor;
        return Promise.resolve();
      },
    },
    archive: () => {
      const name = `archive-${file.archives.size + 1}.jsonl`;
      file.archives.set(name, file.data);
      file.data = '';
      return Promise.resolve(name);
    },
    readArchives: () => Promise.resolve([...file.archives.values()]),
  };
  return file;
}

const context: JournalContext = {
  connectionId: 'c1',
  connectionName: 'Prod seller',
  account: '123456789012',
  region: 'us-east-1',
  osUser: 'ana',
};
const started = (submissionId: string): AppendableEntry => ({
  kind: 'submission-started',
  submissionId,
  operation: 'BatchMeterUsage',
  context,
  groups: [{ productCode: 'prod-1', records: 1 }],
  totalRecords: 1,
});
const intent = (submissionId: string): AppendableEntry => ({
  kind: 'call-intent',
  submissionId,
  callId: `${submissionId}.1`,
  context,
  attempt: 1,
  operation: 'BatchMeterUsage',
  productCode: 'prod-1',
  records: [
    {
      key: `${submissionId}-r1`,
      record: {
        Timestamp: '2026-08-01T10:00:00.000Z',
        CustomerAWSAccountId: '210987654321',
        Dimension: 'requests',
        Quantity: 1,
      },
    },
  ],
});
const outcome = (submissionId: string): AppendableEntry => ({
  kind: 'call-outcome',
  submissionId,
  callId: `${submissionId}.1`,
  context,
  results: [{ key: `${submissionId}-r1`, status: 'Success', meteringRecordId: 'mr-1' }],
  requestId: `req-${submissionId}`,
  httpStatus: 200,
});
const finished = (submissionId: string): AppendableEntry => ({
  kind: 'submission-finished',
  submissionId,
  context,
  counts: { success: 1, duplicate: 0, customerNotSubscribed: 0, rejected: 0, unprocessed: 0 },
});
const submission = (id: string) => [started(id), intent(id), outcome(id), finished(id)];

async function written(entries: AppendableEntry[]) {
  const file = anchoredFile();
  let tick = Date.UTC(2026, 7, 1, 10, 0, 0);
  const journal = createJournal(file, { now: () => (tick += 1000) });
  for (const entry of entries) await journal.append(entry);
  return file;
}

const lineList = (text: string) => text.split('\n').slice(0, -1);
const keep = (text: string, count: number) => `${lineList(text).slice(0, count).join('\n')}\n`;

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('journal anchor', () => {
  it('keeps the anchor in step with every append', async () => {
    const file = await written([...submission('s1'), started('s2')]);
    expect(file.anchored).toEqual({
      entries: 5,
      head: sha256Hex(lineList(file.data).at(-1) ?? ''),
    });
    expect(await createJournal(file).verify()).toEqual({ ok: true, lines: 5 });
  });

  it('detects the last line cut off at a line boundary, and a whole submission cut off the end', async () => {
    const file = await written([...submission('s1'), ...submission('s2')]);
    const full = file.data;
    file.data = keep(full, 7);
    expect(await createJournal(file).verify()).toMatchObject({
      ok: false,
      lines: 7,
      firstBrokenLine: 8,
      reason: expect.stringContaining('8 were written') as unknown,
    });
    file.data = keep(full, 4);
    expect(await createJournal(file).verify()).toMatchObject({ ok: false, firstBrokenLine: 5 });
  });

  it('detects a deleted journal and one replaced by another chain', async () => {
    const file = await written(submission('s1'));
    const full = file.data;
    file.data = '';
    expect(await createJournal(file).verify()).toMatchObject({
      ok: false,
      firstBrokenLine: 1,
      reason: expect.stringContaining('deleted or replaced') as unknown,
    });
    // Another chain of the same length, valid on its own.
    const other = await written(submission('s9'));
    file.data = other.data;
    expect(await createJournal(file).verify()).toMatchObject({ ok: false, firstBrokenLine: 4 });
    file.data = full;
    expect(await createJournal(file).verify()).toEqual({ ok: true, lines: 4 });
  });

  it('tolerates an anchor one entry behind the file (a crash between the two writes)', async () => {
    const file = await written(submission('s1'));
    const behind = await written(submission('s1').slice(0, 3));
    file.anchored = behind.anchored;
    expect(await createJournal(file).verify()).toEqual({ ok: true, lines: 4 });
  });

  it('refuses appends with JOURNAL_BROKEN naming the line', async () => {
    const file = await written([...submission('s1'), started('s2')]);
    file.data = keep(file.data, 3);
    const journal = createJournal(file);
    const refused = await refusal(journal.append(finished('s2')));
    expect(refused.code).toBe('JOURNAL_BROKEN');
    expect(refused.details).toMatchObject({ line: 4 });
    expect(refused.message).toContain('line 4');
  });

  it('views read up to the break and flag what follows as unverified, not interrupted', async () => {
    const file = await written([...submission('s1'), ...submission('s2')]);
    // Line 6 (s2's call) edited: s2 finished, but the chain no longer proves it.
    const all = lineList(file.data);
    all[5] = (all[5] ?? '').replace('"osUser":"ana"', '"osUser":"eve"');
    file.data = `${all.join('\n')}\n`;
    const journal = createJournal(file);
    expect(await journal.verify()).toMatchObject({ ok: false, firstBrokenLine: 6 });
    const entries = await journal.entries();
    expect(entries.map((e) => [e.seq, e.unverified ?? false])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
      [6, true],
      [7, true],
      [8, true],
    ]);
    expect(await journal.interruptedSubmissions()).toEqual([]);
  });
});

describe('archive and restart', () => {
  it('keeps the damaged file, starts a new chain that names its hash and line count, and appends again', async () => {
    const file = await written([...submission('s1'), ...submission('s2')]);
    file.data = keep(file.data, 6);
    const damaged = file.data;
    const journal = createJournal(file, { now: () => Date.UTC(2026, 7, 2) });
    expect((await journal.open()).ok).toBe(false);

    const archived = await journal.archiveAndRestart();
    expect(archived).toEqual({
      file: 'archive-1.jsonl',
      sha256: sha256Hex(damaged),
      lines: 6,
      bytes: damaged.length,
      brokenAtLine: 7,
      reason: expect.stringContaining('cut off') as unknown,
    });
    expect(file.archives.get('archive-1.jsonl')).toBe(damaged);
    const [first] = lineList(file.data).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ seq: 1, kind: 'journal-restarted', archived });
    expect(await journal.verify()).toEqual({ ok: true, lines: 1 });

    await journal.append(started('s3'));
    expect(await journal.verify()).toEqual({ ok: true, lines: 2 });
    // History stays readable: the archived chain's entries, then the new chain's.
    const kinds = (await journal.entries()).map((e) => e.kind);
    expect(kinds).toEqual([
      ...['submission-started', 'call-intent', 'call-outcome', 'submission-finished'],
      ...['submission-started', 'call-intent'],
      'journal-restarted',
      'submission-started',
    ]);
  });

  it('refuses to archive a journal that verifies', async () => {
    const file = await written(submission('s1'));
    const refused = await refusal(createJournal(file).archiveAndRestart());
    expect(refused.code).toBe('CONFLICT');
    expect(file.archives.size).toBe(0);
  });
});
