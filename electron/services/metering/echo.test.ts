// AWS's answer may echo a record with more than was sent: the documented BatchMeterUsage sample
// adds the buyer's customerAWSAccountID beside the CustomerIdentifier sent (AWS-FACTS §0.1). The
// engine still matches the echo to its record (it must not call it "not mentioned", which would
// resend a billed record forever), and journals the account id with the answer, where the
// customer directory links the two ids.
import { describe, expect, it } from 'vitest';
import { createJournal } from '../journal/journal';
import { memoryJournalFile } from '../journal/testing/memory-file';
import { journalSightings } from '../customers/directory-sources';
import { createSubmissionEngine, type MeteringApi } from './engine';
import { context, freePacer, records, time } from './testing/engine-fakes';

const accountOf = (identifier: string): string =>
  `0${identifier.replace(/\D/g, '').padStart(11, '5')}`;

/** Answers like the documented sample, echoes reordered, each with the buyer's account id. */
const echoingApi: MeteringApi = {
  batchMeterUsage: ({ records: sent }) =>
    Promise.resolve({
      results: [...sent].reverse().map((record, i) => ({
        record: { ...record, CustomerAWSAccountId: accountOf(String(record.CustomerIdentifier)) },
        status: 'Success',
        meteringRecordId: `m-${i}`,
      })),
      unprocessed: [],
    }),
  meterUsage: () => Promise.reject(new Error('unused')),
};

describe('an answer echoing the account id beside the CustomerIdentifier', () => {
  it('is matched to its record, and the account id is journaled with the answer', async () => {
    const journal = createJournal(memoryJournalFile());
    const engine = createSubmissionEngine({ api: echoingApi, journal, pacer: freePacer, time });
    const result = await (
      await engine.submit({
        operation: 'BatchMeterUsage',
        records: records(30),
        context,
        pacerKey: { accountId: context.account, region: context.region },
      })
    ).done;
    expect(result.state).toBe('finished');
    expect(result.counts).toMatchObject({ success: 30, unknown: 0, notSent: 0 });
    expect(await journal.interruptedSubmissions()).toEqual([]);

    const entries = await journal.entries();
    const answers = entries.flatMap((e) => (e.kind === 'call-outcome' ? e.results : []));
    expect(answers.find((r) => r.key === 'p-7')?.customerAwsAccountId).toBe(accountOf('cust-7'));
    const sightings = journalSightings(entries, context.account);
    expect(sightings).toHaveLength(30);
    expect(sightings).toContainEqual({
      customerIdentifier: 'cust-7',
      customerAwsAccountId: accountOf('cust-7'),
      source: 'journal',
    });
  });
});
