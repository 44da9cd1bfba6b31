// The submission and journal channels through the real core (router, engine, disk journal,
// built-in sandbox): submit → progress events → outcomes; journal query/export/verify/sent-index;
// an interrupted submission found on start and resumed with exactly its unresolved records.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../../shared/metering';
import { createMemoryLogger } from '../../core/logger';
import { createMemoryStore } from '../../adapters/storage/memory-store';
import { createJournalFile } from '../../adapters/storage/journal-file';
import { createJournal } from '../../services/journal/journal';
import { startCore, type Core } from '../core';
import { pinnedClock } from '../../testing/time';
import { adminState, bootCore, call, sandboxRecords, until } from './testing/core-testkit';

const clock = pinnedClock();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function boot(dataDir?: string) {
  const booted = await bootCore(clock.now, dataDir);
  cleanups.push(() => booted.close());
  return booted;
}

describe('metering:submit and the journal channels', () => {
  it('submits, streams outcomes, and the journal shows, exports and verifies them', async () => {
    const { core, events, dataDir } = await boot();
    const state = adminState(dataDir);
    const recs = sandboxRecords(state, 30, clock.now());
    const { submissionId, total } = await call(core, 'metering:submit', {
      operation: 'BatchMeterUsage',
      records: recs,
    });
    expect(total).toBe(30);
    const status = await until(async () => {
      const s = await call(core, 'metering:submission-status', { submissionId });
      return s.state === 'running' ? undefined : s;
    });
    expect(status.state).toBe('finished');
    expect(status.counts.success).toBe(30);
    expect(status.outcomes.every((o) => o.meteringRecordId !== undefined)).toBe(true);
    expect(status.outcomes[0]?.customer).toBe(recs[0]?.customerIdentifier);
    // Per-record outcomes and progress were streamed.
    const outcomeEvents = events.filter((e) => e.event === 'metering:outcomes');
    expect(outcomeEvents.length).toBeGreaterThanOrEqual(2);
    const progress = await until(() => {
      const list = events.filter((e) => e.event === 'task:progress');
      return Promise.resolve(list.at(-1)?.payload.finished === true ? list : undefined);
    });
    expect(progress.at(-1)?.payload).toMatchObject({
      taskId: submissionId,
      done: 30,
      finished: true,
    });

    const query = await call(core, 'journal:query', { filter: {}, limit: 100 });
    expect(query.total).toBe(30);
    expect(query.rows[0]).toMatchObject({ submissionId, status: 'Success' });
    expect(query.rows[0]?.osUser).not.toBe('');
    const byCustomer = await call(core, 'journal:query', {
      filter: { customer: recs[0]?.customerIdentifier, status: ['Success'] },
    });
    expect(byCustomer.total).toBeGreaterThan(0);
    expect(byCustomer.rows.every((r) => r.customer === recs[0]?.customerIdentifier)).toBe(true);
    const none = await call(core, 'journal:query', { filter: { status: ['Rejected'] } });
    expect(none.total).toBe(0);

    const csv = await call(core, 'journal:export', { filter: {}, format: 'csv' });
    expect(csv.rows).toBe(30);
    expect(csv.text.split('\r\n')[0]).toContain('meteringRecordId');
    const json = await call(core, 'journal:export', { filter: {}, format: 'json' });
    expect(JSON.parse(json.text)).toHaveLength(30);

    const detail = await call(core, 'journal:submission', { submissionId });
    expect(detail.state).toBe('finished');
    expect(detail.calls.length).toBe(2);
    expect(detail.context).toMatchObject({
      connectionId: 'sandbox',
      account: state.sellerAccountId,
    });

    const verify = await call(core, 'journal:verify', {});
    expect(verify.report.ok).toBe(true);

    // The sent index answers with the dedup keys the editor uses.
    const { recordKey } = await import('../../../shared/metering');
    const key = recordKey({ ...(recs[0] as UsageRecord) });
    const sent = await call(core, 'journal:sent-index', { keys: [key, 'bmu|nope'] });
    expect(sent.entries).toEqual([
      expect.objectContaining({ key, quantity: recs[0]?.quantity, submissionId }),
    ]);

    // Main validates again: an invalid record never leaves.
    const bad = await core.router.call(
      'metering:submit',
      { operation: 'BatchMeterUsage', records: [{ ...recs[0], dimension: 'nope' }] },
      { host: 'test' },
    );
    expect(bad.ok).toBe(false);
  });

  it('shows an interrupted submission on start and resumes exactly its unresolved records', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-submit-core-'));
    // First run: learn the world, then stop.
    const first = await boot(dataDir);
    const state = adminState(dataDir);
    const recs = sandboxRecords(state, 6, clock.now());
    await first.core.close();
    cleanups.length = 0;

    // A crash left this behind: a plan of 6, one call of 3 journaled with no outcome, 3 never sent.
    const file = createJournalFile(dataDir);
    const journal = createJournal(file);
    const context = {
      connectionId: 'sandbox',
      connectionName: 'Sandbox',
      account: state.sellerAccountId,
      region: state.region,
      osUser: 'someone',
    };
    const wire = recs.map((r, i) => ({
      key: `row-${i + 1}`,
      record: {
        Timestamp: r.timestamp,
        Dimension: r.dimension,
        Quantity: r.quantity,
        CustomerIdentifier: r.customerIdentifier,
      },
    }));
    await journal.append({
      kind: 'submission-started',
      submissionId: 'sub-crashed',
      operation: 'BatchMeterUsage',
      context,
      groups: [{ productCode: recs[0]?.productCode, records: 6, keys: wire.map((w) => w.key) }],
      totalRecords: 6,
      planned: wire,
    });
    await journal.append({
      kind: 'call-intent',
      submissionId: 'sub-crashed',
      callId: 'sub-crashed.1',
      context,
      attempt: 1,
      operation: 'BatchMeterUsage',
      ...(recs[0]?.productCode === undefined ? {} : { productCode: recs[0].productCode }),
      records: wire.slice(0, 3),
    });
    await file.close();

    const { core } = await boot(dataDir);
    const interrupted = await call(core, 'journal:interrupted', {});
    expect(interrupted.submissions).toHaveLength(1);
    expect(interrupted.submissions[0]).toMatchObject({
      submissionId: 'sub-crashed',
      unresolvedCount: 6,
      unresolvedByState: { NoOutcome: 3, NotSent: 3 },
    });
    const resumed = await call(core, 'metering:resume', { submissionId: 'sub-crashed' });
    expect(resumed).toMatchObject({ resendOf: 'sub-crashed', total: 6 });
    const status = await until(async () => {
      const s = await call(core, 'metering:submission-status', {
        submissionId: resumed.submissionId,
      });
      return s.state === 'running' ? undefined : s;
    });
    expect(status.counts.success).toBe(6);
    expect((await call(core, 'journal:interrupted', {})).submissions).toEqual([]);
    const again = await core.router.call(
      'metering:resume',
      { submissionId: 'sub-crashed' },
      {
        host: 'test',
      },
    );
    expect(again.ok).toBe(false);
    const original = await call(core, 'journal:submission', { submissionId: 'sub-crashed' });
    expect(original.state).toBe('resumed');
    expect(original.resentBy).toEqual([resumed.submissionId]);
  });
});

describe('one writer per data folder, and a journal that cannot shrink unseen', () => {
  it('a second instance on the same data folder refuses to start, naming the process holding it', async () => {
    const { core, dataDir } = await boot();
    const second = startCore({
      host: 'electron',
      dataDir,
      settingsStore: createMemoryStore(),
      logger: createMemoryLogger(),
      sandboxHistoryEvents: 0,
      now: clock.now,
    });
    await expect(second).rejects.toThrow(
      new RegExp(`in use by another Meterdesk instance: process ${process.pid} \\(browser host\\)`),
    );
    await core.close();
    const third = await startCore({
      host: 'electron',
      dataDir,
      settingsStore: createMemoryStore(),
      logger: createMemoryLogger(),
      sandboxHistoryEvents: 0,
      now: clock.now,
    });
    await third.close();
  });

  it('a journal cut off at a line boundary refuses billing with JOURNAL_BROKEN; archived, a new journal starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-submit-core-'));
    const first = await boot(dataDir);
    const recs = sandboxRecords(adminState(dataDir), 3, clock.now());
    const finish = async (core: Core, submissionId: string) =>
      until(async () => {
        const s = await call(core, 'metering:submission-status', { submissionId });
        return s.state === 'running' ? undefined : s;
      });
    const sent = await call(first.core, 'metering:submit', {
      operation: 'BatchMeterUsage',
      records: recs.slice(0, 2),
    });
    expect((await finish(first.core, sent.submissionId)).state).toBe('finished');
    await first.core.close();
    cleanups.length = 0;

    // The last line (the submission's end) cut off at a line boundary.
    const path = join(dataDir, 'journal', 'journal.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    writeFileSync(path, `${lines.slice(0, -1).join('\n')}\n`);

    const { core } = await boot(dataDir);
    const verify = await call(core, 'journal:verify', {});
    expect(verify.report).toMatchObject({ ok: false, firstBrokenLine: lines.length });
    const refused = await core.router.call(
      'metering:submit',
      { operation: 'BatchMeterUsage', records: recs.slice(2) },
      { host: 'test' },
    );
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('JOURNAL_BROKEN');
    expect(refused.error.details).toMatchObject({ line: lines.length });
    // The views still read what verifies up to the break.
    expect((await call(core, 'journal:query', { filter: {} })).total).toBe(2);

    const { archived } = await call(core, 'journal:archive-restart', {});
    expect(archived).toMatchObject({ lines: lines.length - 1, brokenAtLine: lines.length });
    expect((await call(core, 'journal:verify', {})).report).toEqual({ ok: true, lines: 1 });
    const again = await call(core, 'metering:submit', {
      operation: 'BatchMeterUsage',
      records: recs.slice(2),
    });
    expect((await finish(core, again.submissionId)).state).toBe('finished');
    // History stays: the archived chain's records and the new one's.
    expect((await call(core, 'journal:query', { filter: {} })).total).toBe(3);
  });
});
