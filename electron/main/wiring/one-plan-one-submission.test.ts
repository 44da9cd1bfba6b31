// One plan, one submission; one record, one sender at a time — through the real core and its
// sandbox: a preview submitted twice is refused the second time; a second submission holding a
// record that a running one is sending is refused, naming it; a preview made meanwhile flags
// those records.
import { afterEach, describe, expect, it } from 'vitest';
import { pinnedClock } from '../../testing/time';
import {
  adminState,
  bootCore,
  call,
  callError,
  finished,
  sandboxRecords,
} from './testing/core-testkit';

const clock = pinnedClock();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function sandboxCore() {
  const booted = await bootCore(clock.now);
  cleanups.push(() => booted.close());
  return { ...booted, state: adminState(booted.dataDir) };
}

describe('one plan, one submission', () => {
  it('refuses the same planId the second time with PLAN_ALREADY_SUBMITTED', async () => {
    const { core, state } = await sandboxCore();
    const plan = await call(core, 'metering:plan', {
      records: sandboxRecords(state, 5, clock.now()),
    });
    const first = await call(core, 'metering:submit', { planId: plan.planId });
    const again = await callError(core, 'metering:submit', { planId: plan.planId });
    expect(again.code).toBe('PLAN_ALREADY_SUBMITTED');
    expect(again.message).toContain(first.submissionId);
    expect((await finished(core, first.submissionId)).counts.success).toBe(5);
    const later = await callError(core, 'metering:submit', { planId: plan.planId });
    expect(later.code).toBe('PLAN_ALREADY_SUBMITTED');
    const journal = await call(core, 'journal:query', { filter: {}, limit: 100 });
    expect(journal.total).toBe(5);
  });

  it('refuses a second submission holding records in flight, naming the running one; a preview meanwhile flags them', async () => {
    const { core, state } = await sandboxCore();
    // 500 records are 20 calls at AWS's 10 calls/s: the first submission runs for 2 s.
    const records = sandboxRecords(state, 500, clock.now());
    const a = await call(core, 'metering:plan', { records });
    const b = await call(core, 'metering:plan', { records: records.slice(400) });
    expect(a.planId).not.toBeNull();
    expect(b.planId).not.toBeNull();
    const running = await call(core, 'metering:submit', { planId: a.planId });

    const refused = await callError(core, 'metering:submit', { planId: b.planId });
    expect(refused.code).toBe('RECORDS_IN_FLIGHT');
    expect(refused.message).toContain(running.submissionId);
    expect(refused.details).toMatchObject({ submissionId: running.submissionId });

    const meanwhile = await call(core, 'metering:plan', { records: records.slice(450, 460) });
    expect(meanwhile.planId).toBeNull();
    expect(meanwhile.problems).toHaveLength(10);
    for (const problem of meanwhile.problems) {
      expect(problem.issues).toContainEqual(
        expect.objectContaining({
          code: 'in-flight',
          severity: 'error',
          message: `Being sent right now by submission ${running.submissionId}.`,
        }),
      );
    }

    // Each record was sent once: by the first submission only.
    expect((await finished(core, running.submissionId)).counts.success).toBe(500);
    const journal = await call(core, 'journal:query', { filter: {}, limit: 1 });
    expect(journal.total).toBe(500);
    // Once it has finished, the same records preview as already billed, and may be sent again.
    const after = await call(core, 'metering:plan', { records: records.slice(450, 460) });
    expect(after.planId).not.toBeNull();
    expect(after.checks.alreadyBilled).toHaveLength(10);
  });
});
