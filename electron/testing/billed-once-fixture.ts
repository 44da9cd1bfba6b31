// The cases every implementation of the billed-once rules (shared/billing.ts) must agree on:
// the reference function, the audit cache's own view, and the audit database's SQL view. Rows
// are given newest first, as a LookupEvents sync stores them, so an implementation that counts
// in storage order instead of event order fails here.
import type { AuditRow, AuditStatus, BillingKind } from '../../shared/audit';
import type { BillingTotals } from '../../shared/billing';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const HOUR = Date.UTC(2026, 6, 10, 9);
const at = (hh: number, mm: number): number => Date.UTC(2026, 6, 10, hh, mm);

type Case = {
  eventId: string;
  recordIndex?: number;
  eventTime: number;
  customer: string;
  dimension?: string;
  quantity: number;
  status: AuditStatus;
  meteringRecordId?: string;
  /** What the billed-once view must say about the row. */
  expect: BillingKind;
  standingQuantity?: number;
};

const cases: Case[] = [
  // A batch whose second record failed to process, then an identical retry of the first.
  {
    eventId: 'ev-retry',
    eventTime: at(10, 35),
    customer: 'c1',
    quantity: 5,
    status: 'Success',
    meteringRecordId: 'mr-1',
    expect: 'replay',
  },
  {
    eventId: 'ev-e',
    recordIndex: 0,
    eventTime: at(10, 30),
    customer: 'c4',
    quantity: 9,
    status: 'Unprocessed',
    expect: 'not-billed',
  },
  {
    eventId: 'ev-e',
    recordIndex: 1,
    eventTime: at(10, 30),
    customer: 'c3',
    quantity: 4,
    status: 'Success',
    meteringRecordId: 'mr-3',
    expect: 'billed',
  },
  // Another quantity for c1's hour: AWS keeps the 5 billed first.
  {
    eventId: 'ev-dup',
    eventTime: at(10, 20),
    customer: 'c1',
    quantity: 7,
    status: 'DuplicateRecord',
    expect: 'duplicate',
    standingQuantity: 5,
  },
  // Two events in the same second: the event id decides which came first.
  {
    eventId: 'ev-t1b',
    eventTime: at(10, 10),
    customer: 'c5',
    quantity: 2,
    status: 'Success',
    meteringRecordId: 'mr-4',
    expect: 'replay',
  },
  {
    eventId: 'ev-t1a',
    eventTime: at(10, 10),
    customer: 'c5',
    quantity: 2,
    status: 'Success',
    meteringRecordId: 'mr-4',
    expect: 'billed',
  },
  {
    eventId: 'ev-first',
    eventTime: at(10, 5),
    customer: 'c1',
    quantity: 5,
    status: 'Success',
    meteringRecordId: 'mr-1',
    expect: 'billed',
  },
  // A Success without an id (an echo cut short): not known to be billed.
  {
    eventId: 'ev-noid',
    eventTime: at(9, 50),
    customer: 'c2',
    quantity: 3,
    status: 'Success',
    expect: 'unknown',
  },
  // CloudTrail truncated the answer; nothing else tells it.
  {
    eventId: 'ev-trunc',
    eventTime: at(9, 40),
    customer: 'c6',
    quantity: 8,
    status: 'Unknown',
    expect: 'unknown',
  },
  // Billed by a record this cache does not hold: no standing quantity to name.
  {
    eventId: 'ev-dup-other',
    eventTime: at(9, 30),
    customer: 'c7',
    quantity: 1,
    status: 'DuplicateRecord',
    expect: 'duplicate',
  },
  {
    eventId: 'ev-failed',
    eventTime: at(9, 20),
    customer: 'c8',
    quantity: 6,
    status: 'Failed',
    expect: 'not-billed',
  },
  {
    eventId: 'ev-c2',
    eventTime: at(9, 10),
    customer: 'c2',
    quantity: 3,
    status: 'Success',
    meteringRecordId: 'mr-2',
    expect: 'billed',
  },
];

function toRow(c: Case): AuditRow {
  const row: AuditRow = {
    eventId: c.eventId,
    recordIndex: c.recordIndex ?? 0,
    eventTime: c.eventTime,
    eventName: 'BatchMeterUsage',
    usageHour: HOUR,
    usageTime: HOUR,
    customerIdentifier: c.customer,
    productCode: 'prod-1',
    dimension: c.dimension ?? 'users',
    quantity: c.quantity,
    status: c.status,
    region: REGION,
    accountId: ACCOUNT,
  };
  if (c.meteringRecordId !== undefined) row.meteringRecordId = c.meteringRecordId;
  return row;
}

export const billedOnceFixture = {
  /** Storage order: newest event first. */
  rows: cases.map(toRow),
  /** By `${eventId}#${recordIndex}`. */
  expected: new Map(
    cases.map((c) => [
      `${c.eventId}#${c.recordIndex ?? 0}`,
      {
        kind: c.expect,
        ...(c.standingQuantity === undefined ? {} : { standingQuantity: c.standingQuantity }),
      },
    ]),
  ),
  totals: {
    billedRecords: 4,
    billedQuantity: 5 + 4 + 2 + 3,
    replayRecords: 2,
    duplicateRecords: 2,
    unknownRecords: 2,
    notBilledRecords: 2,
  } satisfies BillingTotals,
};
