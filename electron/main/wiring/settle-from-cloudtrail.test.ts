// Answers lost on the way back are settled from CloudTrail: a submission cut off after its call
// left (the journal has the intent, no answer) shows its records as Billed (per CloudTrail) with
// the event as evidence once a CloudTrail sync holds the call, without any resume; and resume
// then has nothing to resend.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalLine } from '../../../shared/journal';
import { createJournalFile } from '../../adapters/storage/journal-file';
import { createJournal } from '../../services/journal/journal';
import { pinnedClock } from '../../testing/time';
import {
  adminState,
  bootCore,
  call,
  finished,
  sandboxRecords,
  until,
} from './testing/core-testkit';

const clock = pinnedClock();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('unknown outcomes settled from CloudTrail', () => {
  it('records whose answer was lost show Billed (per CloudTrail) after a sync, with the event', async () => {
    const first = await bootCore(clock.now);
    const { dataDir } = first;
    const records = sandboxRecords(adminState(dataDir), 3, clock.now());
    const sent = await call(first.core, 'metering:submit', {
      operation: 'BatchMeterUsage',
      records,
    });
    expect((await finished(first.core, sent.submissionId)).counts.success).toBe(3);
    await first.close(true);

    // The same records sent again by a run that died before the answer came back.
    const lines = readFileSync(join(dataDir, 'journal', 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as JournalLine);
    const intent = lines.find((l) => l.kind === 'call-intent');
    if (intent?.kind !== 'call-intent') throw new Error('no intent journaled');
    const file = createJournalFile(dataDir);
    const journal = createJournal(file, { now: clock.now });
    await journal.append({
      kind: 'submission-started',
      submissionId: 'sub-lost',
      operation: 'BatchMeterUsage',
      context: intent.context,
      groups: [
        { productCode: intent.productCode, records: 3, keys: intent.records.map((r) => r.key) },
      ],
      totalRecords: 3,
      planned: intent.records,
    });
    await journal.append({
      kind: 'call-intent',
      submissionId: 'sub-lost',
      callId: 'sub-lost.1',
      context: intent.context,
      attempt: 1,
      operation: 'BatchMeterUsage',
      ...(intent.productCode === undefined ? {} : { productCode: intent.productCode }),
      records: intent.records,
    });
    await file.close();

    const again = await bootCore(clock.now, dataDir);
    cleanups.push(() => again.close());
    const before = await call(again.core, 'journal:query', {
      filter: { submissionId: 'sub-lost' },
    });
    expect(before.rows.map((r) => r.status)).toEqual(['NoOutcome', 'NoOutcome', 'NoOutcome']);

    const { taskId } = await call(again.core, 'audit:sync-start', { mode: 'BatchMeterUsage' });
    await until(async () => {
      const status = await call(again.core, 'audit:sync-status', { taskId });
      return status && status.state !== 'running' ? status : undefined;
    }, 60_000);
    const after = await until(async () => {
      const page = await call(again.core, 'journal:query', {
        filter: { submissionId: 'sub-lost' },
      });
      return page.rows.every((r) => r.status === 'BilledPerCloudTrail') ? page : undefined;
    });
    for (const row of after.rows) {
      expect(row.evidence).toMatchObject({ by: 'record' });
      expect(row.evidence?.meteringRecordId).toMatch(/.+/);
      // Billed once: the first submission's answer is what AWS billed.
      expect(row.billing).not.toBe('billed');
    }
    const totals = await call(again.core, 'journal:query', { filter: {} });
    expect(totals.billing.billedRecords).toBe(3);
    const interrupted = await call(again.core, 'journal:interrupted', {});
    expect(interrupted.submissions.map((s) => s.submissionId)).not.toContain('sub-lost');
  }, 90_000);
});
