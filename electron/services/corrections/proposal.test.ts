// A refund's description fits what AWS takes (500 characters, one line) however many separate
// hours were over-billed; the amount is units × price rounded half up to the cent.
import { describe, expect, it } from 'vitest';
import type { JournalRow } from '../../../shared/channels/journal';
import { parseDecimal } from '../../../shared/decimal';
import { buildHours, usageIndex, type CaseSources } from './hours';
import type { StoredCase } from './ports';
import { DESCRIPTION_MAX, propose } from './proposal';

const HOUR = 3_600_000;
const from = Date.parse('2026-10-01T00:00:00Z');
const now = Date.parse('2026-11-17T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

/** Every other hour of October billed 3 units where 1 was right: 372 separate hours. */
const overBilled = Array.from({ length: 372 }, (_, i) => from + 2 * i * HOUR);

const stored: StoredCase = {
  version: 1,
  caseId: 'case-20261117-abcdef12',
  createdAt: iso(now),
  updatedAt: iso(now),
  request: { customer: '123456789012', productId: 'p', dimension: 'gb', from: '', to: '' },
  connection: {
    id: 'c',
    name: 'C',
    accountId: '111122223333',
    region: 'us-east-1',
    isSandbox: true,
  },
  customer: {
    awsAccountId: '123456789012',
    customerIdentifier: 'cust-1',
    name: 'A customer whose registered name is rather long, as some are, Incorporated',
  },
  product: { productId: 'p', name: 'P', productCode: 'code', identityModel: 'legacy' },
  dimension: 'gb',
  from,
  to: Date.parse('2026-11-01T00:00:00Z'),
  agreement: { agreementId: 'agmt-1', currencyCode: 'USD', price: '0.0125' },
  correct: Object.fromEntries(overBilled.map((h) => [iso(h), 1])),
  entries: [],
};

function journal(hour: number, i: number): JournalRow {
  return {
    submissionId: 'sub-1',
    key: `row-${String(i)}`,
    at: iso(hour + 600_000),
    operation: 'BatchMeterUsage',
    connectionId: 'c',
    connectionName: 'C',
    account: '111122223333',
    region: 'us-east-1',
    osUser: 'me',
    productCode: 'code',
    customer: 'cust-1',
    dimension: 'gb',
    timestamp: iso(hour + 600_000),
    quantity: 3,
    status: 'Success',
    meteringRecordId: `mr-${String(i)}`,
    attempts: 1,
  };
}

describe('a refund over many separate hours', () => {
  it('describes them within 500 characters and asks units × price to the cent', () => {
    const sources: CaseSources = {
      journalRows: overBilled.map(journal),
      billedRows: [],
      invoices: [
        {
          invoiceId: 'inv-oct',
          agreementId: 'agmt-1',
          invoiceType: 'INVOICE',
          amount: '13.95',
          maxAdjustmentAmount: '13.95',
          currencyCode: 'USD',
          period: { year: 2026, month: 10 },
          issuedAt: Date.parse('2026-11-02T00:00:00Z'),
        },
      ],
      completeDays: null,
    };
    const price = parseDecimal('0.0125') ?? 0n;
    const index = usageIndex(stored, sources);
    const hours = buildHours(stored, sources, price, now, index);
    const proposal = propose({ stored, hours, index, invoices: sources.invoices, price, now });
    const [refund] = proposal?.refunds ?? [];
    expect(refund?.units).toBe(744);
    expect(refund?.value).toBe('9.30');
    expect(refund?.amount).toBe('9.30');
    expect(refund?.description.length).toBeLessThanOrEqual(DESCRIPTION_MAX);
    expect(refund?.description).toMatch(/^.+$/);
    expect(refund?.description).toContain(
      '744 units over-billed in 372 hours from 2026-10-01 00:00 UTC to 2026-10-31 22:00 UTC.',
    );
  });
});
