// Tags as the model allows them, end to end: the model's TagValue pattern ^[a-zA-Z0-9+ -=._:\/@]+$
// has a space-to-'=' range, so "R&D, EMEA" is valid (AWS-FACTS §0.1). A CSV whose tag column holds
// it imports as ready, plans, and is billed by the built-in sandbox through the real core.
import { describe, expect, it } from 'vitest';
import { pinnedClock } from '../../testing/time';
import { adminState, finished, useFileCore } from './testing/core-testkit';

const clock = pinnedClock();
const shared = useFileCore(clock.now);
const call = shared.call;

describe('tags the model allows are billed', () => {
  it('"R&D, EMEA" in a CSV tag column: ready, planned and billed by the sandbox', async () => {
    const world = adminState(shared.dataDir);
    const product = world.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
    const suspended = new Set(
      world.customers.filter((c) => c.suspended).map((c) => c.awsAccountId),
    );
    const sub = world.subscriptions.find(
      (s) =>
        s.productCode === product?.productCode &&
        s.status === 'active' &&
        s.customerIdentifier !== undefined &&
        !suspended.has(s.customerAwsAccountId) &&
        s.activatedAt < clock.now() - 30 * 3_600_000,
    );
    const dimension = product?.dimensions[0]?.name;
    if (!product || !sub?.customerIdentifier || dimension === undefined)
      throw new Error('no fixture');
    const hour = new Date(
      Math.floor(clock.now() / 3_600_000) * 3_600_000 - 3_600_000,
    ).toISOString();

    const csv = [
      'product,customer_identifier,dimension,quantity,timestamp,tag:cost center',
      `${product.productCode},${sub.customerIdentifier},${dimension},7,${hour},"R&D, EMEA"`,
    ].join('\r\n');
    const imported = await call('metering:import-csv', { text: csv, aggregate: false });
    if (imported.status !== 'done') throw new Error('expected the import to finish');
    expect(imported.summary.ready).toBe(1);
    expect(imported.ready[0]?.draft.allocations).toEqual([
      { quantity: '7', tags: [{ key: 'cost center', value: 'R&D, EMEA' }] },
    ]);

    const plan = await call('metering:plan', {
      records: [],
      importHandle: imported.summary.handle,
    });
    expect(plan.errorCount).toBe(0);
    const { submissionId } = await call('metering:submit', { planId: plan.planId });
    const status = await finished(shared.core, submissionId);
    expect(status.state).toBe('finished');
    expect(status.outcomes.map((o) => o.status)).toEqual(['Success']);
    expect(status.outcomes[0]?.meteringRecordId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
