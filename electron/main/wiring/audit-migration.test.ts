// Upgrading from a version that kept the audit cache as JSONL files: the first use of the audit
// screen moves it into the account's cache database with a progress bar (task:progress), then
// the old files go; nothing is touched before that first use.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SANDBOX_SELLER_ACCOUNT_ID } from '../../sandbox/world';
import { meteringEvent } from '../../services/audit/testing';
import { pinnedClock } from '../../testing/time';
import { bootCore, call } from './testing/core-testkit';

const dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-audit-migrate-'));
const clock = pinnedClock();
let booted: Awaited<ReturnType<typeof bootCore>> | undefined;

afterAll(async () => {
  await booted?.close();
});

describe('an audit cache from an earlier version', () => {
  it('is moved into the cache database on first use, with progress, and the old files go', async () => {
    const auditDir = join(dataDir, 'audit');
    mkdirSync(auditDir, { recursive: true });
    const base = clock.now() - 3 * 86_400_000;
    const lines = Array.from({ length: 300 }, (_, i) => {
      const event = meteringEvent(i, 'us-east-1', 2, base);
      const meta = JSON.stringify({
        eventId: event.eventId,
        eventTime: event.eventTime,
        eventName: event.eventName,
        eventSource: event.eventSource,
      });
      return `${meta.slice(0, -1)},"cloudTrailEvent":${event.cloudTrailEvent}}`;
    });
    const prefix = `${SANDBOX_SELLER_ACCOUNT_ID}_us-east-1`;
    writeFileSync(join(auditDir, `${prefix}.events.jsonl`), `${lines.join('\n')}\n`);
    writeFileSync(join(auditDir, `${prefix}.sync.json`), JSON.stringify({ coverage: [] }));

    booted = await bootCore(clock.now, dataDir, { sandboxHistoryEvents: 10, settings: 'file' });
    const { core, events } = booted;
    expect(readdirSync(auditDir).some((n) => n.endsWith('.duckdb'))).toBe(false);

    const info = await call(core, 'audit:info', {});
    expect(info.events).toBe(300);
    expect(info.rows).toBe(600);
    const progress = events.flatMap((e) =>
      e.event === 'task:progress' && e.payload.kind === 'audit:migrate' ? [e.payload] : [],
    );
    expect(progress.at(-1)).toMatchObject({ finished: true });
    expect(existsSync(join(auditDir, `${prefix}.events.jsonl`))).toBe(false);
    expect(existsSync(join(auditDir, `${SANDBOX_SELLER_ACCOUNT_ID}.duckdb`))).toBe(true);
    const raw = await call(core, 'audit:raw', { eventId: 'ev-42' });
    expect(raw.text).toBe(meteringEvent(42, 'us-east-1', 2, base).cloudTrailEvent);
  });
});
