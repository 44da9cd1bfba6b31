// Resume re-checks every unresolved record before sending: what CloudTrail shows billed is
// settled, never resent; a record whose hour AWS no longer accepts is never sent (settled as
// window closed, or not billed when the cache covers its call's time); only the rest is resent.
import { describe, expect, it } from 'vitest';
import type { JournalContext, JournalRecord } from '../../../shared/journal';
import type { BilledAnswer, BilledQuery } from '../billed-lookup';
import { createJournal, type JournalFile } from '../journal/journal';
import { testInstant } from '../../testing/time';
import { decideResume, planResume } from './resume';

const HOUR = 3_600_000;
const T0 = Math.floor(testInstant() / HOUR) * HOUR;

const context: JournalContext = {
  connectionId: 'prod',
  connectionName: 'Production',
  account: '111122223333',
  region: 'us-east-1',
  osUser: 'ana',
};

const rec = (
  key: string,
  customer: string,
  hoursBefore: number,
  quantity: number,
): JournalRecord => ({
  key,
  record: {
    Timestamp: new Date(T0 - hoursBefore * HOUR).toISOString(),
    CustomerIdentifier: customer,
    Dimension: 'Users',
    Quantity: quantity,
  },
});

// r1, r2: an hour old when sent; r3, r4: twenty hours old. The answer to r1, r2 and r4's call
// was lost (a crash); r3 was never sent.
const r1 = rec('r1', 'cust-billed', 1, 7);
const r2 = rec('r2', 'cust-unknown', 1, 8);
const r3 = rec('r3', 'cust-late', 20, 9);
const r4 = rec('r4', 'cust-absent', 20, 10);

async function interruptedJournal() {
  let data = '';
  const file: JournalFile = {
    append: (text) => {
      data += text;
      return Promise.resolve();
    },
    readAll: () => Promise.resolve(data),
  };
  const journal = createJournal(file, { now: () => T0 });
  await journal.append({
    kind: 'submission-started',
    submissionId: 'sub-1',
    operation: 'BatchMeterUsage',
    context,
    groups: [{ productCode: 'prod-abc', records: 4, keys: ['r1', 'r2', 'r3', 'r4'] }],
    totalRecords: 4,
    planned: [r1, r2, r3, r4],
  });
  await journal.append({
    kind: 'call-intent',
    submissionId: 'sub-1',
    callId: 'sub-1.1',
    context,
    attempt: 1,
    operation: 'BatchMeterUsage',
    productCode: 'prod-abc',
    records: [r1, r2, r4],
  });
  return journal;
}

describe('resume re-checks every record', () => {
  it('settles what CloudTrail shows billed, never sends a closed hour, resends only the rest', async () => {
    const journal = await interruptedJournal();
    const plan = await planResume(journal, 'sub-1');
    expect(plan.records.map((r) => r.key)).toEqual(['r1', 'r2', 'r3', 'r4']);

    const asked: BilledQuery[] = [];
    const evidence = { eventId: 'ev-9', eventTime: T0 + 5_000, meteringRecordId: 'mr-9' };
    const answers: Record<string, BilledAnswer> = {
      'cust-billed': {
        billed: { ...evidence, quantity: 7, by: 'record' },
        complete: true,
        coveredUntil: T0 + HOUR,
      },
      'cust-unknown': { billed: null, complete: false, coveredUntil: T0 },
      'cust-absent': { billed: null, complete: true, coveredUntil: T0 + HOUR },
    };
    // Six hours after the crash: r3 and r4 are 26 hours old, outside BatchMeterUsage's window.
    const decisions = await decideResume(journal, plan, {
      now: T0 + 6 * HOUR,
      billed: {
        lookup: (queries) => {
          asked.push(...queries);
          return Promise.resolve(
            queries.map(
              (q) => answers[q.customer] ?? { billed: null, complete: false, coveredUntil: null },
            ),
          );
        },
      },
    });

    expect(decisions.map((d) => [d.record.key, d.disposition])).toEqual([
      ['r1', 'billed-per-cloudtrail'],
      ['r2', 'resend'],
      ['r3', 'window-closed'],
      ['r4', 'not-billed-per-cloudtrail'],
    ]);
    expect(decisions[0]?.evidence).toMatchObject({ eventId: 'ev-9', meteringRecordId: 'mr-9' });
    // Only records whose answer was lost are looked up, around the time their call was sent.
    expect(asked.map((q) => q.customer)).toEqual(['cust-billed', 'cust-unknown', 'cust-absent']);
    expect(asked[0]).toMatchObject({
      accountId: '111122223333',
      region: 'us-east-1',
      dimension: 'Users',
      hour: T0 - HOUR,
    });
    expect(asked[0]?.sentFrom).toBeLessThanOrEqual(T0);
    expect(asked[0]?.sentTo).toBeGreaterThan(T0);
  });

  it('resends a record CloudTrail shows with another quantity (AWS answers DuplicateRecord), and settles a closed hour without any cache as window closed', async () => {
    const journal = await interruptedJournal();
    const plan = await planResume(journal, 'sub-1');
    const decisions = await decideResume(journal, plan, {
      now: T0 + 6 * HOUR,
      billed: {
        lookup: (queries) =>
          Promise.resolve(
            queries.map((q) => ({
              billed:
                q.customer === 'cust-billed'
                  ? { eventId: 'ev-1', eventTime: T0, quantity: 70, by: 'record' as const }
                  : null,
              complete: false,
              coveredUntil: null,
            })),
          ),
      },
    });
    expect(decisions.map((d) => [d.record.key, d.disposition])).toEqual([
      ['r1', 'resend'],
      ['r2', 'resend'],
      ['r3', 'window-closed'],
      ['r4', 'window-closed'],
    ]);
  });
});
