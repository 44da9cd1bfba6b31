// A replayed submission through the real core and the sandbox: three records sent twice are
// billed once in the Journal, the audit totals, the per-customer aggregates, the CSV export and
// the evidence pack, and each CloudTrail event is attributed to the submission and call that
// sent it (by request id), not to the first one.
import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../../shared/metering';
import { unzipEvidence } from '../../services/audit/testing';
import { SANDBOX_ID_PREFIX } from '../../services/metering/catalog';
import { adminState, finished, until, useFileCore } from './testing/core-testkit';
import { pinnedClock } from '../../testing/time';

const clock = pinnedClock();
const shared = useFileCore(clock.now, { sandboxHistoryEvents: 20, settings: 'file' });
const call = shared.call;

/** Three good records of the sandbox's first legacy SaaS product, one per recent hour. */
function threeRecords(): UsageRecord[] {
  const state = adminState(shared.dataDir);
  const now = clock.now();
  const product = state.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const suspended = new Set(state.customers.filter((c) => c.suspended).map((c) => c.awsAccountId));
  const sub = state.subscriptions.find(
    (s) =>
      s.productCode === product?.productCode &&
      s.status === 'active' &&
      !suspended.has(s.customerAwsAccountId) &&
      s.customerIdentifier !== undefined &&
      s.activatedAt < now - 30 * 3_600_000,
  );
  const dimension = product?.dimensions[0]?.name;
  if (!product || !sub?.customerIdentifier || dimension === undefined) throw new Error('fixture');
  const hour = Math.floor(now / 3_600_000) * 3_600_000 - 2 * 3_600_000;
  return [0, 1, 2].map((i) => ({
    productId: `${SANDBOX_ID_PREFIX}${product.productCode}`,
    operation: 'BatchMeterUsage',
    productCode: product.productCode,
    customerIdentifier: sub.customerIdentifier ?? '',
    dimension,
    quantity: 100 + i,
    timestamp: new Date(hour - i * 3_600_000).toISOString(),
  }));
}

async function submit(records: UsageRecord[]): Promise<string> {
  const { submissionId } = await call('metering:submit', { operation: 'BatchMeterUsage', records });
  await finished(shared.core, submissionId);
  return submissionId;
}

describe('a replayed submission is billed once everywhere', () => {
  it('journal, audit totals, aggregates, export and evidence agree; events go to their own sends', async () => {
    const records = threeRecords();
    const first = await submit(records);
    // CloudTrail times events to the second; within one second the lower event id counts as
    // first (a coin toss between random ids), so the resend goes out a second later.
    clock.advance(1_000);
    const second = await submit(records);

    // The Journal: 6 rows, 3 billed, 3 replays of the first submission.
    const journal = await call('journal:query', { filter: {}, offset: 0, limit: 100 });
    expect(journal.facets.billing).toMatchObject({ billed: 3, replay: 3 });
    expect(journal.billing).toMatchObject({
      billedRecords: 3,
      billedQuantity: 100 + 101 + 102,
      replayRecords: 3,
    });
    const replays = await call('journal:submission', { submissionId: second });
    expect(replays.billing).toMatchObject({ billedRecords: 0, replayRecords: 3 });
    const ids = journal.rows.map((r) => r.meteringRecordId ?? '');
    expect(new Set(ids).size).toBe(3);

    // CloudTrail: two events with the same three MeteringRecordIds.
    const { taskId } = await call('audit:sync-start', { mode: 'BatchMeterUsage' });
    await until(async () => {
      const s = await call('audit:sync-status', { taskId });
      return s && s.state !== 'running' ? s : undefined;
    }, 60_000);
    const mine = { text: [{ column: 'meteringRecordId', op: 'in', values: [...new Set(ids)] }] };
    const rows = await call('audit:query', { filter: mine, limit: 100 });
    expect(rows.total).toBe(6);
    expect(rows.rows.filter((r) => r.billing === 'billed')).toHaveLength(3);
    expect(rows.rows.filter((r) => r.billing === 'replay')).toHaveLength(3);
    for (const row of rows.rows) {
      expect(row.sent?.by).toBe('requestId');
      // The earlier event is the first submission's; its replay is the second's.
      expect(row.sent?.submissionId).toBe(row.billing === 'billed' ? first : second);
    }
    const aggregate = await call('audit:aggregate', {
      filter: mine,
      aggregate: { bucket: 'day', time: 'usageHour' },
    });
    expect(aggregate.totals.successQuantity).toBe(100 + 101 + 102);
    expect(aggregate.totals.billing).toMatchObject({ billedRecords: 3, replayRecords: 3 });
    expect(aggregate.customerDimension.reduce((s, g) => s + g.successQuantity, 0)).toBe(303);

    const csv = await call('audit:export', { filter: mine, format: 'csv' });
    const header = csv.text.split('\r\n')[0]?.split(',') ?? [];
    const billingColumn = header.indexOf('billing');
    const kinds = csv.text
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(',')[billingColumn]);
    expect(kinds.sort()).toEqual(['billed', 'billed', 'billed', 'replay', 'replay', 'replay']);

    const evidence = await call('audit:evidence', {
      eventIds: [...new Set(rows.rows.map((r) => r.eventId))],
    });
    const summary = unzipEvidence(evidence.base64).text('summary.md');
    expect(summary).toContain(
      'Billed once: 3 records, quantity 303; replays (billed before, not again): 3',
    );
    expect(summary).toContain(`submission ${first}, call ${first}`);
    expect(summary).toContain(`submission ${second}, call ${second}`);
  }, 90_000);
});
