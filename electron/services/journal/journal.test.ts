import { describe, expect, it } from 'vitest';
import { ZERO_HASH, type JournalContext, type JournalRecord } from '../../../shared/journal';
import {
  createJournal,
  findInterrupted,
  JournalBrokenError,
  resendStart,
  type AppendableEntry,
  type JournalFile,
} from './journal';
import { describeReport, serialiseLine, sha256Hex, verifyText } from './verify';

type MemoryFile = JournalFile & { data: string };

function memoryFile(initial = ''): MemoryFile {
  const file: MemoryFile = {
    data: initial,
    append: (data) => {
      file.data += data;
      return Promise.resolve();
    },
    readAll: () => Promise.resolve(file.data),
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

const rec = (key: string, quantity = 1): JournalRecord => ({
  key,
  record: {
    Timestamp: '2026-08-01T10:00:00.000Z',
    CustomerAWSAccountId: '210987654321',
    Dimension: 'requests',
    Quantity: quantity,
  },
});

const started = (submissionId: string, total: number, extra = {}): AppendableEntry => ({
  kind: 'submission-started',
  submissionId,
  operation: 'BatchMeterUsage',
  context,
  groups: [{ productCode: 'prod-1', records: total }],
  totalRecords: total,
  ...extra,
});

const intent = (
  submissionId: string,
  callId: string,
  records: JournalRecord[],
  attempt = 1,
): AppendableEntry => ({
  kind: 'call-intent',
  submissionId,
  callId,
  context,
  attempt,
  operation: 'BatchMeterUsage',
  productCode: 'prod-1',
  records,
});

const outcome = (
  submissionId: string,
  callId: string,
  results: Array<
    [
      string,
      (
        | 'Success'
        | 'DuplicateRecord'
        | 'CustomerNotSubscribed'
        | 'Rejected'
        | 'Unprocessed'
        | 'Unknown'
      ),
    ]
  >,
): AppendableEntry => ({
  kind: 'call-outcome',
  submissionId,
  callId,
  context,
  results: results.map(([key, status]) => ({
    key,
    status,
    ...(status === 'Success' ? { meteringRecordId: `mr-${key}` } : {}),
  })),
  requestId: `req-${callId}`,
  httpStatus: 200,
});

const finished = (submissionId: string): AppendableEntry => ({
  kind: 'submission-finished',
  submissionId,
  context,
  counts: { success: 1, duplicate: 0, customerNotSubscribed: 0, rejected: 0, unprocessed: 0 },
});

async function journalWith(entries: AppendableEntry[]) {
  const file = memoryFile();
  let tick = Date.UTC(2026, 7, 1, 10, 0, 0);
  const journal = createJournal(file, { now: () => (tick += 1000) });
  for (const entry of entries) await journal.append(entry);
  return { file, journal };
}

const lines = (text: string) => text.split('\n').slice(0, -1);
const fiveEntries = (): AppendableEntry[] => [
  started('s1', 2),
  intent('s1', 'c1', [rec('r1'), rec('r2')]),
  outcome('s1', 'c1', [
    ['r1', 'Success'],
    ['r2', 'Success'],
  ]),
  finished('s1'),
  started('s2', 1),
];

describe('journal chain', () => {
  it('chains each line to the exact bytes of the one before and verifies', async () => {
    const { file, journal } = await journalWith(fiveEntries());
    const all = lines(file.data);
    expect(all).toHaveLength(5);
    const parsed = all.map(
      (line) => JSON.parse(line) as { seq: number; prev: string; hash: string },
    );
    expect(parsed[0]?.prev).toBe(ZERO_HASH);
    for (let index = 1; index < all.length; index += 1) {
      expect(parsed[index]?.prev).toBe(sha256Hex(all[index - 1] ?? ''));
      expect(parsed[index]?.seq).toBe(index + 1);
    }
    // The line's own hash covers the body with the hash field cut off.
    const first = all[0] ?? '';
    expect(parsed[0]?.hash).toBe(sha256Hex(first.replace(/,"hash":"[0-9a-f]{64}"\}$/, '}')));
    expect(first.startsWith('{"seq":1,"at":"2026-08-01T10:00:01.000Z","prev":"000')).toBe(true);
    expect(await journal.verify()).toEqual({ ok: true, lines: 5 });
    expect(describeReport({ ok: true, lines: 5 }, 'j.jsonl')).toBe(
      'journal intact: 5 lines (j.jsonl)',
    );
  });

  it('reports line k when any byte of line k is edited, including the last line', async () => {
    const { file } = await journalWith(fiveEntries());
    const all = lines(file.data);
    for (const k of [1, 3, 5]) {
      const line = all[k - 1] ?? '';
      for (let position = 0; position < line.length; position += 1) {
        const replacement = line[position] === 'a' ? 'b' : 'a';
        const edited = line.slice(0, position) + replacement + line.slice(position + 1);
        const text = [...all.slice(0, k - 1), edited, ...all.slice(k)].join('\n') + '\n';
        const report = verifyText(text).report;
        expect(report.ok, `byte ${position} of line ${k}`).toBe(false);
        expect(report.firstBrokenLine, `byte ${position} of line ${k}`).toBe(k);
      }
    }
  });

  it('reports the line after a deleted line, a reordered pair and a duplicated line', async () => {
    const { file } = await journalWith(fiveEntries());
    const all = lines(file.data);
    const text = (list: string[]) => list.join('\n') + '\n';

    const deleted = verifyText(text([...all.slice(0, 2), ...all.slice(3)])).report;
    expect(deleted).toMatchObject({ ok: false, firstBrokenLine: 3 });
    expect(deleted.reason).toMatch(/does not follow line 2/);

    const deletedFirst = verifyText(text(all.slice(1))).report;
    expect(deletedFirst).toMatchObject({ ok: false, firstBrokenLine: 1 });

    const [l1 = '', l2 = '', l3 = '', ...rest] = all;
    const swapped = verifyText(text([l1, l3, l2, ...rest])).report;
    expect(swapped).toMatchObject({ ok: false, firstBrokenLine: 2 });

    const duplicated = verifyText(text([l1, l2, l2, l3, ...rest])).report;
    expect(duplicated).toMatchObject({ ok: false, firstBrokenLine: 3 });

    const blankInserted = verifyText(text([l1, '', l2, l3, ...rest])).report;
    expect(blankInserted).toMatchObject({ ok: false, firstBrokenLine: 2 });
    expect(describeReport(blankInserted, 'j')).toMatch(/^journal BROKEN at line 2 of 6: /);
  });

  it('a chain alone cannot see lines cut off at a line boundary (its anchor does: anchor.test.ts)', async () => {
    const { file } = await journalWith(fiveEntries());
    const all = lines(file.data);
    expect(verifyText(all.slice(0, 4).join('\n') + '\n').report).toEqual({ ok: true, lines: 4 });
  });

  it('keeps verifying lines that carry fields or kinds added by a later version', async () => {
    const { file } = await journalWith([{ ...started('s1', 1), futureField: { nested: true } }]);
    const journal = createJournal(file); // one writer per file: this one starts after the edit
    const state = verifyText(file.data);
    file.data += `${serialiseLine({ seq: 2, at: '2027-01-01T00:00:00.000Z', prev: state.head, kind: 'future-kind', x: 1 })}\n`;
    expect(await journal.verify()).toEqual({ ok: true, lines: 2 });
    const entries = await journal.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'submission-started', futureField: { nested: true } });
    // Appends continue the chain after the unknown line.
    await journal.append(finished('s1'));
    expect(await journal.verify()).toEqual({ ok: true, lines: 3 });
  });

  it('serialises concurrent appends into one chain', async () => {
    const { file, journal } = await journalWith([]);
    await Promise.all(
      Array.from({ length: 10 }, (_, index) => journal.append(started(`s${index}`, 0))),
    );
    expect(await journal.verify()).toEqual({ ok: true, lines: 10 });
    expect(lines(file.data).map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('refuses to append to a broken journal', async () => {
    const { file } = await journalWith(fiveEntries());
    file.data = file.data.replace('"osUser":"ana"', '"osUser":"eve"');
    const journal = createJournal(file);
    expect(await journal.open()).toMatchObject({ ok: false, firstBrokenLine: 1 });
    await expect(journal.append(finished('s2'))).rejects.toBeInstanceOf(JournalBrokenError);
  });
});

describe('torn tail', () => {
  async function tornJournal() {
    const { file } = await journalWith(fiveEntries().slice(0, 3));
    file.data = file.data.slice(0, -40); // crash mid-append of line 3
    return file;
  }

  it('is tolerated and reported, and appends after it keep the journal verifiable', async () => {
    const file = await tornJournal();
    const journal = createJournal(file);
    expect(await journal.open()).toEqual({ ok: true, lines: 3, tornTail: true, tornLines: [3] });
    expect(describeReport(await journal.verify(), 'j')).toMatch(/torn \(line 3\), tolerated/);
    const before = file.data;
    await journal.append(intent('s1', 'c2', [rec('r2')], 2));
    // Nothing rewritten: the old bytes are a prefix of the new file.
    expect(file.data.startsWith(before)).toBe(true);
    const all = lines(file.data);
    expect(all).toHaveLength(5);
    const marker = JSON.parse(all[3] ?? '') as { kind: string; prev: string; lines: unknown };
    expect(marker.kind).toBe('torn-tail');
    expect(marker.prev).toBe(sha256Hex(all[1] ?? '')); // chained to the last GOOD line
    expect(marker.lines).toEqual([
      { line: 3, sha256: sha256Hex(all[2] ?? ''), bytes: (all[2] ?? '').length },
    ]);
    expect(await journal.verify()).toEqual({ ok: true, lines: 5, tornLines: [3] });
    await journal.append(finished('s1'));
    expect(await createJournal(file).verify()).toEqual({ ok: true, lines: 6, tornLines: [3] });
    // The torn line is out of the entries; the marker is in.
    expect((await journal.entries()).map((entry) => entry.kind)).toEqual([
      'submission-started',
      'call-intent',
      'torn-tail',
      'call-intent',
      'submission-finished',
    ]);
  });

  it('reports an edit of an acknowledged torn line as broken', async () => {
    const file = await tornJournal();
    await createJournal(file).append(finished('s1'));
    const all = lines(file.data);
    all[2] = `${(all[2] ?? '').slice(0, -1)}X`;
    expect(verifyText(all.join('\n') + '\n').report).toMatchObject({
      ok: false,
      firstBrokenLine: 3,
    });
  });

  it('survives a crash during the write that repairs a torn tail', async () => {
    const file = await tornJournal();
    const failing: JournalFile = {
      append: (data) => {
        file.data += data.slice(0, 30); // the repair write itself is torn
        return Promise.reject(new Error('power cut'));
      },
      readAll: file.readAll,
    };
    await expect(createJournal(failing).append(finished('s1'))).rejects.toThrow('power cut');
    const journal = createJournal(file);
    expect(await journal.open()).toEqual({ ok: true, lines: 4, tornTail: true, tornLines: [3, 4] });
    await journal.append(finished('s1'));
    expect(await journal.verify()).toEqual({ ok: true, lines: 6, tornLines: [3, 4] });
  });

  it('re-reads the file after a failed append before appending again', async () => {
    const file = memoryFile();
    let fail = true;
    const flaky: JournalFile = {
      append: (data) => {
        if (!fail) return file.append(data);
        fail = false;
        file.data += data.slice(0, 10);
        return Promise.reject(new Error('disk full'));
      },
      readAll: file.readAll,
    };
    const journal = createJournal(flaky);
    await expect(journal.append(started('s1', 1))).rejects.toThrow('disk full');
    await journal.append(started('s1', 1));
    expect(await journal.verify()).toEqual({ ok: true, lines: 3, tornLines: [1] });
  });

  it('treats a complete last line that only lost its newline as good', async () => {
    const { file } = await journalWith(fiveEntries().slice(0, 2));
    file.data = file.data.slice(0, -1);
    const journal = createJournal(file);
    expect(await journal.open()).toEqual({ ok: true, lines: 2 });
    await journal.append(finished('s1'));
    expect(file.data.split('\n')).toHaveLength(4);
    expect(await journal.verify()).toEqual({ ok: true, lines: 3 });
  });

  it('does not accept a forged torn-tail entry that names a line that is not torn', async () => {
    const { file } = await journalWith(fiveEntries().slice(0, 2));
    const state = verifyText(file.data);
    file.data += `${serialiseLine({ seq: 3, at: 'x', prev: state.head, kind: 'torn-tail', lines: [{ line: 2, sha256: ZERO_HASH, bytes: 1 }] })}\n`;
    expect(verifyText(file.data).report).toMatchObject({ ok: false, firstBrokenLine: 3 });
  });
});

describe('interrupted submissions: which records stay unresolved', () => {
  it('finds an intent with no outcome, with exactly its records', async () => {
    const { journal } = await journalWith([
      started('s1', 2),
      intent('s1', 'c1', [rec('r1'), rec('r2', 7)]),
    ]);
    const [found, ...others] = await journal.interruptedSubmissions();
    expect(others).toEqual([]);
    expect(found).toMatchObject({
      submissionId: 's1',
      operation: 'BatchMeterUsage',
      context,
      resolvedCount: 0,
      unjournaledRecords: 0,
      totalRecords: 2,
    });
    expect(found?.unresolved).toEqual([
      { ...rec('r1'), lastStatus: 'NoOutcome', callId: 'c1', attempt: 1, productCode: 'prod-1' },
      { ...rec('r2', 7), lastStatus: 'NoOutcome', callId: 'c1', attempt: 1, productCode: 'prod-1' },
    ]);
  });

  it('keeps only unprocessed and unanswered records, and resolves final statuses', async () => {
    const { journal } = await journalWith([
      started('s1', 6),
      intent('s1', 'c1', [rec('a'), rec('b'), rec('c'), rec('d'), rec('e'), rec('f')]),
      outcome('s1', 'c1', [
        ['a', 'Success'],
        ['b', 'DuplicateRecord'],
        ['c', 'CustomerNotSubscribed'],
        ['d', 'Rejected'],
        ['e', 'Unprocessed'],
        // f missing from the outcome: may or may not have been billed
      ]),
    ]);
    const [found] = await journal.interruptedSubmissions();
    expect(found?.resolvedCount).toBe(4);
    expect(found?.unresolved.map((r) => [r.key, r.lastStatus])).toEqual([
      ['e', 'Unprocessed'],
      ['f', 'Unknown'],
    ]);
  });

  it('follows retries: the retry of unprocessed records is what stays unresolved', async () => {
    const { journal } = await journalWith([
      started('s1', 3),
      intent('s1', 'c1', [rec('a'), rec('b'), rec('c')]),
      outcome('s1', 'c1', [
        ['a', 'Success'],
        ['b', 'Unprocessed'],
        ['c', 'Unprocessed'],
      ]),
      intent('s1', 'c2', [rec('b'), rec('c')], 2),
      outcome('s1', 'c2', [['b', 'Success']]),
      intent('s1', 'c3', [rec('c')], 3),
    ]);
    const [found] = await journal.interruptedSubmissions();
    expect(found?.unresolved).toEqual([
      { ...rec('c'), lastStatus: 'NoOutcome', callId: 'c3', attempt: 3, productCode: 'prod-1' },
    ]);
  });

  it('ignores finished and fully resolved submissions', async () => {
    const { journal } = await journalWith([
      started('done', 1),
      intent('done', 'c1', [rec('a')]),
      finished('done'),
      started('resolved', 1),
      intent('resolved', 'c3', [rec('a')]),
      outcome('resolved', 'c3', [['a', 'Success']]),
    ]);
    expect(await journal.interruptedSubmissions()).toEqual([]);
  });
});

describe('interrupted submissions: cancelled, parked, planned and resumed', () => {
  it('lists a cancelled submission like an interrupted one, with the records it never sent', async () => {
    const { journal } = await journalWith([
      started('cancelled', 2, { planned: [rec('a'), rec('b')] }),
      intent('cancelled', 'c2', [rec('a')]),
      outcome('cancelled', 'c2', [['a', 'Success']]),
      { kind: 'submission-cancelled', submissionId: 'cancelled', context, reason: 'user' },
    ]);
    const found = await journal.interruptedSubmissions();
    expect(found.map((s) => [s.submissionId, s.ending, s.unresolved.map((r) => r.key)])).toEqual([
      ['cancelled', 'cancelled', ['b']],
    ]);
  });

  it('lists a finished submission with parked records, only for those; settled records are closed', async () => {
    const { journal } = await journalWith([
      started('parking', 3, { planned: [rec('a'), rec('b'), rec('c')] }),
      intent('parking', 'c1', [rec('a'), rec('b'), rec('c')]),
      outcome('parking', 'c1', [
        ['a', 'Success'],
        ['b', 'Unprocessed'],
        ['c', 'Unknown'],
      ]),
      {
        kind: 'records-parked',
        submissionId: 'parking',
        context,
        records: [{ key: 'b', status: 'Unprocessed', attempts: 8 }],
        reason: 'no answer',
      },
      {
        kind: 'records-settled',
        submissionId: 'parking',
        context,
        records: [{ key: 'c', settlement: 'window-closed' }],
      },
      finished('parking'),
    ]);
    const found = await journal.interruptedSubmissions();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ ending: 'finished', resolvedCount: 2 });
    expect(found[0]?.unresolved.map((r) => [r.key, r.lastStatus, r.parked])).toEqual([
      ['b', 'Unprocessed', true],
    ]);
  });

  it('includes planned records never sent, and counts unjournaled ones without a plan', async () => {
    const { journal } = await journalWith([
      started('planned', 3, { planned: [rec('a'), rec('b'), rec('c')] }),
      intent('planned', 'c1', [rec('a')]),
      outcome('planned', 'c1', [['a', 'Success']]),
      started('unplanned', 30),
      intent('unplanned', 'c2', [rec('a')]),
      outcome('unplanned', 'c2', [['a', 'Success']]),
    ]);
    const found = await journal.interruptedSubmissions();
    expect(
      found.map((s) => [
        s.submissionId,
        s.unresolved.map((r) => r.lastStatus),
        s.unjournaledRecords,
      ]),
    ).toEqual([
      ['planned', ['NotSent', 'NotSent'], 0],
      ['unplanned', [], 29],
    ]);
  });

  it('journals a resume as a resend of exactly the unresolved records', async () => {
    const { journal } = await journalWith([
      started('s1', 3),
      intent('s1', 'c1', [rec('a'), rec('b'), rec('c')]),
      outcome('s1', 'c1', [
        ['a', 'Success'],
        ['b', 'Unprocessed'],
      ]),
    ]);
    const [interrupted] = await journal.interruptedSubmissions();
    if (interrupted === undefined) throw new Error('expected an interrupted submission');
    const resend = resendStart(interrupted, 's1-resend', { ...context, osUser: 'bo' });
    expect(resend).toMatchObject({
      resendOf: 's1',
      totalRecords: 2,
      planned: [rec('b'), rec('c')],
      groups: [{ productCode: 'prod-1', records: 2 }],
    });
    await journal.append(resend);
    // The original is superseded; the resend is interrupted until its records are sent.
    const afterStart = await journal.interruptedSubmissions();
    expect(afterStart.map((s) => [s.submissionId, s.resendOf])).toEqual([['s1-resend', 's1']]);
    await journal.append(intent('s1-resend', 'r1', [rec('b'), rec('c')]));
    await journal.append(
      outcome('s1-resend', 'r1', [
        ['b', 'Success'],
        ['c', 'DuplicateRecord'],
      ]),
    );
    expect(await journal.interruptedSubmissions()).toEqual([]);
    expect((await journal.submission('s1-resend')).map((e) => e.kind)).toEqual([
      'submission-started',
      'call-intent',
      'call-outcome',
    ]);
  });

  it('ignores an outcome whose intent is missing', () => {
    expect(findInterrupted([])).toEqual([]);
  });
});
