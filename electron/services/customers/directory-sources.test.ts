import { describe, expect, it } from 'vitest';
import type { AuditFilter, AuditRow } from '../../../shared/audit';
import type { JournalLine } from '../../../shared/journal';
import { createCustomerDirectory } from './directory';
import {
  cloudTrailSource,
  echoedAccountId,
  journalSightings,
  journalSource,
  resolutionSightings,
  type AuditReads,
} from './directory-sources';

const SELLER = '111122223333';
const context = (account: string) => ({
  connectionId: 'c1',
  connectionName: 'Production',
  account,
  region: 'us-east-1',
  osUser: 'ana',
});
const envelope = {
  seq: 1,
  at: '2026-11-17T10:00:00.000Z',
  prev: '0'.repeat(64),
  hash: '0'.repeat(64),
};

/** The AWS-documented BatchMeterUsage record: the answer echoes customerAWSAccountID. */
function trailEvent(identifier: string, accountId: string, key = 'customerAWSAccountID'): string {
  const usage = { dimension: 'Dimension1', timestamp: 'Apr 19, 2018 4:32:50 PM', quantity: 1 };
  return JSON.stringify({
    eventName: 'BatchMeterUsage',
    requestParameters: {
      usageRecords: [{ ...usage, customerIdentifier: identifier }],
      productCode: 'EXAMPLE_proCode',
    },
    responseElements: {
      results: [
        {
          usageRecord: { ...usage, customerIdentifier: identifier, [key]: accountId },
          meteringRecordId: 'bEXAMPLE',
          status: 'Success',
        },
      ],
      unprocessedRecords: [],
    },
  });
}

describe('ResolveCustomer answers as a source', () => {
  it('links the ids of answers given to the seller account in use only', () => {
    const entry = {
      id: 'r1',
      at: '2026-11-17T10:00:00Z',
      connectionId: 'c1',
      connectionName: 'Production',
      region: 'us-east-1',
      tokenHash: 'h',
      source: 'raw' as const,
      outcome: 'resolved' as const,
      customer: { customerIdentifier: 'jHK8m2', customerAwsAccountId: '053004027029' },
    };
    const entries = [
      { ...entry, accountId: SELLER },
      { ...entry, id: 'r2', accountId: '999999999999', customer: { customerIdentifier: 'x' } },
      { ...entry, id: 'r3', accountId: SELLER, outcome: 'failed' as const },
    ];
    expect(resolutionSightings(entries, SELLER)).toEqual([
      { customerIdentifier: 'jHK8m2', customerAwsAccountId: '053004027029', source: 'resolve' },
    ]);
  });
});

describe('the journal as a source', () => {
  const started = (account: string, records: Record<string, unknown>[]): JournalLine => ({
    ...envelope,
    kind: 'submission-started',
    submissionId: 's1',
    operation: 'BatchMeterUsage',
    context: context(account),
    groups: [{ productCode: 'prod1', records: records.length }],
    totalRecords: records.length,
    planned: records.map((record, i) => ({ key: `k${i}`, record })),
  });

  it('links a journaled record carrying both ids, for the seller account in use', async () => {
    const both = { CustomerIdentifier: 'jHK8m2', CustomerAWSAccountId: '053004027029' };
    const lines = [
      started(SELLER, [both, { CustomerAWSAccountId: '210987654321' }]),
      started('999999999999', [{ CustomerIdentifier: 'other', CustomerAWSAccountId: '4' }]),
    ];
    const directory = createCustomerDirectory({
      sources: [() => Promise.resolve(journalSightings(lines, SELLER))],
    });
    expect((await directory.list()).customers).toEqual([
      { accountIds: ['053004027029'], identifiers: ['jHK8m2'], sources: ['journal'] },
    ]);
  });

  it('links the account id AWS echoed in its answer to the identifier the record was sent under', () => {
    const record = { CustomerIdentifier: 'jHK8m2', Dimension: 'users', Quantity: 1 };
    const lines: JournalLine[] = [
      started(SELLER, [record]),
      {
        ...envelope,
        kind: 'call-intent',
        submissionId: 's1',
        callId: 's1.1',
        context: context(SELLER),
        attempt: 1,
        operation: 'BatchMeterUsage',
        productCode: 'prod1',
        records: [{ key: 'k0', record }],
      },
      {
        ...envelope,
        kind: 'call-outcome',
        submissionId: 's1',
        callId: 's1.1',
        context: context(SELLER),
        results: [
          {
            key: 'k0',
            status: 'Success',
            meteringRecordId: 'm1',
            customerAwsAccountId: '053004027029',
          },
        ],
      },
    ];
    expect(journalSightings(lines, SELLER)).toEqual([
      { customerIdentifier: 'jHK8m2', customerAwsAccountId: '053004027029', source: 'journal' },
    ]);
    // Without the echo, one id alone links nothing.
    expect(journalSightings(lines.slice(0, 2), SELLER)).toEqual([]);
  });
});

describe('the journal source', () => {
  it('reads the journal again only once it has changed, or the account in use has', async () => {
    let stamp = {};
    let account = SELLER;
    let reads = 0;
    const source = journalSource({
      stamp: () => Promise.resolve(stamp),
      lines: () => {
        reads += 1;
        return Promise.resolve([]);
      },
      accountId: () => account,
    });
    await source();
    await source();
    expect(reads).toBe(1);
    stamp = {};
    await source();
    account = '999999999999';
    await source();
    expect(reads).toBe(3);
  });
});

describe('CloudTrail answer echoes as a source', () => {
  it('reads the account id echoed beside the identifier, in either casing', () => {
    expect(echoedAccountId(trailEvent('customer1', '987654321098'), 'customer1')).toBe(
      '987654321098',
    );
    expect(
      echoedAccountId(trailEvent('customer1', '987654321098', 'customerAWSAccountId'), 'customer1'),
    ).toBe('987654321098');
    expect(
      echoedAccountId(trailEvent('customer1', '987654321098'), 'someone-else'),
    ).toBeUndefined();
    expect(echoedAccountId('{"responseElements":{"omitted":true}}', 'customer1')).toBeUndefined();
    expect(echoedAccountId('{"responseElements":null}', 'customer1')).toBeUndefined();
    expect(echoedAccountId('not json', 'customer1')).toBeUndefined();
  });

  /** An audit cache of rows and raw events that applies the filters the source sends. */
  function fakeAudit(rows: AuditRow[], raw: Map<string, string>) {
    const calls = { queries: 0, raws: [] as string[], version: 1 };
    const matches = (row: AuditRow, filter: AuditFilter): boolean =>
      (filter.statuses ?? [row.status]).includes(row.status) &&
      (filter.text ?? []).every((f) => {
        const value = row[f.column as 'customerIdentifier'] ?? '';
        const hit =
          f.op === 'equals' ? value === f.value : f.op === 'in' && f.values.includes(value);
        return f.not === true ? !hit : hit;
      });
    const audit: AuditReads = {
      query: ({ filter, limit }) => {
        calls.queries += 1;
        return Promise.resolve({
          rows: rows.filter((r) => matches(r, filter)).slice(0, limit),
          version: calls.version,
        });
      },
      raw: (eventId) => {
        calls.raws.push(eventId);
        return Promise.resolve({ text: raw.get(eventId) ?? '{}' });
      },
    };
    return { audit, calls };
  }

  const row = (eventId: string, fields: Partial<AuditRow>): AuditRow => ({
    eventId,
    recordIndex: 0,
    eventTime: 0,
    eventName: 'BatchMeterUsage',
    usageHour: 0,
    usageTime: 0,
    dimension: 'd',
    quantity: 1,
    status: 'Success',
    region: 'us-east-1',
    accountId: SELLER,
    ...fields,
  });

  it('links records carrying both ids, and identifiers whose answer echoed the account id', async () => {
    const rows = [
      // Many records of one legacy buyer: one event is read for it.
      ...Array.from({ length: 1500 }, (_, i) => row(`e-a-${i}`, { customerIdentifier: 'idA' })),
      row('e-b', { customerIdentifier: 'idB', customerAwsAccountId: '222222222222' }),
      // Echo without an account id: nothing to link.
      row('e-c', { customerIdentifier: 'idC' }),
      // Failed and account-only records are not looked at.
      row('e-d', { customerIdentifier: 'idD', status: 'CustomerNotSubscribed' }),
      row('e-e', { customerAwsAccountId: '555555555555' }),
    ];
    const raw = new Map([
      ['e-a-0', trailEvent('idA', '111111111111')],
      [
        'e-c',
        JSON.stringify({
          responseElements: { results: [{ usageRecord: { customerIdentifier: 'idC' } }] },
        }),
      ],
    ]);
    const { audit, calls } = fakeAudit(rows, raw);
    const sightings = await cloudTrailSource(audit)();
    expect(sightings).toEqual([
      { customerIdentifier: 'idB', customerAwsAccountId: '222222222222', source: 'cloudtrail' },
      { customerIdentifier: 'idA', customerAwsAccountId: '111111111111', source: 'cloudtrail' },
    ]);
    expect(calls.raws.sort()).toEqual(['e-a-0', 'e-c']);
    // Pages leave out the identifiers already seen: a few queries, not one per record.
    expect(calls.queries).toBeLessThanOrEqual(4);
  });

  it('reads the cache again only once it has changed', async () => {
    const rows = [row('e-a', { customerIdentifier: 'idA' })];
    const { audit, calls } = fakeAudit(rows, new Map([['e-a', trailEvent('idA', '111111111111')]]));
    const source = cloudTrailSource(audit);
    const first = await source();
    const [queries, raws] = [calls.queries, calls.raws.length];
    expect(await source()).toEqual(first);
    // One look at the cache's version, nothing read again.
    expect([calls.queries, calls.raws.length]).toEqual([queries + 1, raws]);
    calls.version += 1;
    rows.push(row('e-b', { customerIdentifier: 'idB', customerAwsAccountId: '222222222222' }));
    expect(await source()).toHaveLength(2);
    expect(calls.raws.length).toBe(raws + 1);
  });
});
