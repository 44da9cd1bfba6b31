// Cancelled means resumable, and what is sent later is linked back: a record a cancelled
// submission never sent, sent afterwards by another submission (a re-import of the same rows),
// shows "Sent later" with that submission, not "Not sent"; the cancelled submission is listed
// for resume like an interrupted one.
import { describe, expect, it } from 'vitest';
import { createJournal } from './journal';
import { memoryJournalFile as memoryFile } from './testing/memory-file';
import { buildIndex } from './query';
import type { RecordResult } from '../../../shared/journal';
import { answeredCall, startSubmission, type PlannedRecord } from './testing/steps';

const context = {
  connectionId: 'sandbox',
  connectionName: 'Sandbox',
  account: '111122223333',
  region: 'us-east-1',
  osUser: 'ana',
};
const rec = (customer: string, quantity: number) => ({
  Timestamp: '2026-11-17T09:10:00.000Z',
  Dimension: 'users',
  Quantity: quantity,
  CustomerAWSAccountId: customer,
});

/** A whole submission of `planned` in one call, answered with `results`. */
async function sendAll(
  journal: ReturnType<typeof createJournal>,
  submissionId: string,
  planned: PlannedRecord[],
  results: RecordResult[],
): Promise<void> {
  await startSubmission(journal, context, submissionId, planned);
  await answeredCall(journal, context, {
    submissionId,
    requestId: `req-${submissionId}`,
    records: planned,
    results,
  });
}

describe('records sent later', () => {
  it('links a cancelled submission’s unsent record to the later submission that sent it', async () => {
    let clock = Date.parse('2026-11-17T11:00:00Z');
    const journal = createJournal(memoryFile(), { now: () => (clock += 1000) });
    const planned = [
      { key: 'a', record: rec('210987654321', 5) },
      { key: 'b', record: rec('310987654321', 6) },
      { key: 'c', record: rec('410987654321', 7) },
    ];
    await startSubmission(journal, context, 's1', planned);
    await answeredCall(journal, context, {
      submissionId: 's1',
      requestId: 'req-1',
      records: planned.slice(0, 1),
      results: [{ key: 'a', status: 'Success', meteringRecordId: 'mr-a' }],
    });
    await journal.append({ kind: 'submission-cancelled', submissionId: 's1', context });
    expect((await journal.interruptedSubmissions()).map((s) => [s.submissionId, s.ending])).toEqual(
      [['s1', 'cancelled']],
    );

    // The same rows imported again, without the one already sent: only b is sent this time.
    await sendAll(
      journal,
      's2',
      [{ key: 'row-2', record: rec('310987654321', 6) }],
      [{ key: 'row-2', status: 'Success', meteringRecordId: 'mr-b' }],
    );

    // Only c is left to resume: b was sent later by s2 (and a was billed before the cancel).
    const open = await journal.interruptedSubmissions();
    expect(open.map((s) => [s.submissionId, s.unresolved.map((r) => r.key)])).toEqual([
      ['s1', ['c']],
    ]);

    const { rows } = buildIndex(await journal.entries());
    const of = (submissionId: string, key: string) =>
      rows.find((r) => r.submissionId === submissionId && r.key === key);
    expect(of('s1', 'a')).toMatchObject({ status: 'Success', billing: 'billed' });
    expect(of('s1', 'b')).toMatchObject({ status: 'SentLater', sentIn: 's2' });
    expect(of('s1', 'b')?.billing).not.toBe('billed');
    expect(of('s1', 'c')).toMatchObject({ status: 'NotSent' });
    expect(of('s1', 'c')?.sentIn).toBeUndefined();
    expect(of('s2', 'row-2')).toMatchObject({ status: 'Success', billing: 'billed' });

    // Sent once more afterwards (AWS answers DuplicateRecord): b stays linked to the first
    // submission that sent it, the one whose answer stands.
    await sendAll(
      journal,
      's3',
      [{ key: 'row-2', record: rec('310987654321', 6) }],
      [{ key: 'row-2', status: 'DuplicateRecord' }],
    );
    const later = buildIndex(await journal.entries()).rows;
    const b = later.find((r) => r.submissionId === 's1' && r.key === 'b');
    expect(b).toMatchObject({ status: 'SentLater', sentIn: 's2' });
  });
});
