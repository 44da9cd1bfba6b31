// The hour table counts what AWS billed with the app's one definition: each MeteringRecordId
// once, whether it shows up in the journal, in CloudTrail or both, replays included; answers
// nobody knows are shown, never counted; the case's own top-ups are kept apart.
import { describe, expect, it } from 'vitest';
import type { JournalRow } from '../../../shared/channels/journal';
import { parseDecimal } from '../../../shared/decimal';
import { buildHours } from './hours';
import type { BilledRow, StoredCase } from './ports';

const HOUR = 3_600_000;
const from = Date.parse('2026-11-17T03:00:00Z');
const now = Date.parse('2026-11-17T12:00:00Z');

const stored: StoredCase = {
  version: 1,
  caseId: 'case-20261117-abcdef12',
  createdAt: '2026-11-17T12:00:00.000Z',
  updatedAt: '2026-11-17T12:00:00.000Z',
  request: { customer: '123456789012', productId: 'p', dimension: 'gb', from: '', to: '' },
  connection: {
    id: 'c',
    name: 'C',
    accountId: '111122223333',
    region: 'us-east-1',
    isSandbox: true,
  },
  customer: { awsAccountId: '123456789012', customerIdentifier: 'cust-1' },
  product: { productId: 'p', name: 'P', productCode: 'code', identityModel: 'legacy' },
  dimension: 'gb',
  from,
  to: from + 2 * HOUR,
  agreement: { agreementId: 'agmt-1', currencyCode: 'USD', price: '0.25' },
  correct: { [new Date(from).toISOString()]: 10 },
  entries: [],
};

function journal(over: Partial<JournalRow>): JournalRow {
  return {
    submissionId: 'sub-1',
    key: 'row-1',
    at: '2026-11-17T03:20:00.000Z',
    operation: 'BatchMeterUsage',
    connectionId: 'c',
    connectionName: 'C',
    account: '111122223333',
    region: 'us-east-1',
    osUser: 'me',
    productCode: 'code',
    customer: 'cust-1',
    dimension: 'gb',
    timestamp: '2026-11-17T03:10:00.000Z',
    quantity: 50,
    status: 'Success',
    meteringRecordId: 'mr-1',
    attempts: 1,
    ...over,
  };
}

function trail(over: Partial<BilledRow>): BilledRow {
  return {
    eventId: 'ev-1',
    recordIndex: 0,
    eventTime: Date.parse('2026-11-17T03:20:01Z'),
    usageHour: from,
    customerIdentifier: 'cust-1',
    productCode: 'code',
    dimension: 'gb',
    quantity: 50,
    status: 'Success',
    meteringRecordId: 'mr-1',
    ...over,
  };
}

describe('billed, hour by hour', () => {
  it('counts a record once across the journal, CloudTrail and a replay', () => {
    const [first, second] = buildHours(
      stored,
      {
        journalRows: [
          journal({}),
          journal({ submissionId: 'sub-2', key: 'row-9', at: '2026-11-17T03:30:00.000Z' }),
        ],
        billedRows: [
          trail({}),
          trail({ eventId: 'ev-2', eventTime: Date.parse('2026-11-17T03:30:01Z') }),
        ],
        invoices: [],
        completeDays: new Set(['2026-11-17']),
      },
      parseDecimal('0.25') ?? 0n,
      now,
    );
    expect(first).toMatchObject({
      sent: 50,
      billedCloudTrail: 50,
      billed: 50,
      billedFrom: 'both',
      correct: 10,
      differenceUnits: -40,
      differenceAmount: '-10.00',
      meteringRecordIds: ['mr-1'],
    });
    expect(first?.mismatch).toBeUndefined();
    expect(second).toMatchObject({
      billed: 0,
      billedFrom: 'none',
      correct: null,
      differenceUnits: null,
    });
  });

  it('shows an unknown answer without counting it, and flags a record CloudTrail lacks', () => {
    const [hour] = buildHours(
      stored,
      {
        journalRows: [
          journal({}),
          journal({ submissionId: 'sub-3', status: 'NoOutcome', meteringRecordId: undefined }),
        ],
        billedRows: [],
        invoices: [],
        completeDays: new Set(['2026-11-17']),
      },
      parseDecimal('0.25') ?? 0n,
      now,
    );
    expect(hour?.billed).toBe(50);
    expect(hour?.mismatch).toMatch(/not in CloudTrail/);
    expect(hour?.mismatch).toMatch(/1 answer\(s\) for this hour are unknown/);
  });

  it('keeps the case’s own top-ups apart from billed usage', () => {
    const withTopUp: StoredCase = {
      ...stored,
      entries: [
        {
          kind: 'top-up',
          entryId: 'case-20261117-abcdef12-t1',
          submissionId: 'sub-top',
          records: [
            {
              hour: new Date(from).toISOString(),
              timestamp: '2026-11-17T03:30:00.000Z',
              quantity: 7,
              key: 'row-00001',
            },
          ],
          covers: [],
          status: 'billed',
          outcomes: [],
          sentAt: '2026-11-17T11:00:00.000Z',
          updatedAt: '2026-11-17T11:00:00.000Z',
        },
      ],
    };
    const [hour] = buildHours(
      withTopUp,
      {
        journalRows: [
          journal({ submissionId: 'sub-top', quantity: 7, meteringRecordId: 'mr-top' }),
        ],
        billedRows: [trail({ quantity: 7, meteringRecordId: 'mr-top' })],
        invoices: [],
        completeDays: null,
      },
      parseDecimal('0.25') ?? 0n,
      now,
    );
    expect(hour).toMatchObject({ billed: 0, topUp: 7, differenceUnits: 10 });
  });
});
