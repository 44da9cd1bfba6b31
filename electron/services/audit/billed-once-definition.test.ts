// The one definition of "billed" (shared/billing.ts) against the shared fixture every
// implementation must agree with: the reference function and the audit cache's SQL view.
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRow } from '../../../shared/audit';
import {
  addToTotals,
  billedOnce,
  billingKindOf,
  emptyBillingTotals,
  usageKey,
  type BillingFacts,
} from '../../../shared/billing';
import { billedOnceFixture } from '../../testing/billed-once-fixture';
import { aggregate } from './aggregate';
import { queryWindow } from './explorer';
import type { ParsedAuditEvent } from './parse';
import { openTestCache, storedEvents, type TestCache } from './testing';

const facts = (row: AuditRow): BillingFacts => ({
  status: row.status,
  meteringRecordId: row.meteringRecordId,
  key: usageKey(row),
  quantity: row.quantity,
});

/** Event order: time, then event id, then position in the request. */
function chronological(rows: readonly AuditRow[]): AuditRow[] {
  return [...rows].sort(
    (a, b) =>
      a.eventTime - b.eventTime ||
      (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0) ||
      a.recordIndex - b.recordIndex,
  );
}

describe('billed once', () => {
  it('classifies every fixture row and totals only the first Success of each id', () => {
    const rows = chronological(billedOnceFixture.rows);
    const views = billedOnce(rows, facts);
    const totals = emptyBillingTotals();
    rows.forEach((row, i) => {
      const view = views[i];
      const expected = billedOnceFixture.expected.get(`${row.eventId}#${row.recordIndex}`);
      expect({ id: row.eventId, kind: view?.kind, standing: view?.standingQuantity }).toEqual({
        id: row.eventId,
        kind: expected?.kind,
        standing: expected?.standingQuantity,
      });
      if (view) addToTotals(totals, view.kind, row.quantity);
    });
    expect(totals).toEqual(billedOnceFixture.totals);
  });

  it('names the billed record a replay repeats', () => {
    const rows = chronological(billedOnceFixture.rows);
    const views = billedOnce(rows, facts);
    const retry = rows.findIndex((r) => r.eventId === 'ev-retry');
    const first = rows.findIndex((r) => r.eventId === 'ev-first');
    expect(views[retry]).toEqual({ kind: 'replay', billedAt: first });
  });

  it('maps every status to one kind', () => {
    expect(billingKindOf('Success', false)).toBe('billed');
    expect(billingKindOf('Success', true)).toBe('replay');
    expect(billingKindOf('DuplicateRecord', false)).toBe('duplicate');
    for (const s of ['CustomerNotSubscribed', 'Unprocessed', 'Failed', 'Rejected', 'NotSent']) {
      expect(billingKindOf(s, false)).toBe('not-billed');
    }
    for (const s of ['Unknown', 'NoOutcome']) expect(billingKindOf(s, false)).toBe('unknown');
  });

  it('keys a record by its identifier before its account id, per hour', () => {
    const base = {
      accountId: '1',
      region: 'us-east-1',
      productCode: 'p',
      dimension: 'd',
      usageTime: Date.UTC(2026, 0, 1, 5, 10),
    };
    const sent = usageKey({ ...base, customerIdentifier: 'cust' });
    const echoed = usageKey({ ...base, customerIdentifier: 'cust', customerAwsAccountId: '42' });
    expect(echoed).toBe(sent);
    expect(
      usageKey({ ...base, customerIdentifier: 'cust', usageTime: Date.UTC(2026, 0, 1, 5) }),
    ).toBe(sent);
    expect(
      usageKey({ ...base, customerIdentifier: 'cust', usageTime: Date.UTC(2026, 0, 1, 6) }),
    ).not.toBe(sent);
  });
});

/** The fixture as the cache holds it: one event per event id, rows in storage order. */
function fixtureEvents(): ParsedAuditEvent[] {
  const byId = new Map<string, ParsedAuditEvent>();
  for (const row of billedOnceFixture.rows) {
    let event = byId.get(row.eventId);
    if (!event) {
      event = {
        eventId: row.eventId,
        eventTime: row.eventTime,
        eventName: row.eventName,
        eventSource: 'metering-marketplace.amazonaws.com',
        region: row.region,
        accountId: row.accountId,
        rows: [],
      };
      byId.set(row.eventId, event);
    }
    event.rows.push(row);
  }
  return [...byId.values()];
}

async function expectFixtureAgreement(t: TestCache): Promise<void> {
  const { rows } = await queryWindow(t.cache, { filter: {}, offset: 0, limit: 100 });
  expect(rows).toHaveLength(billedOnceFixture.rows.length);
  for (const row of rows) {
    const expected = billedOnceFixture.expected.get(`${row.eventId}#${row.recordIndex}`);
    expect({ id: row.eventId, kind: row.billing, standing: row.standingQuantity }).toEqual({
      id: row.eventId,
      kind: expected?.kind,
      standing: expected?.standingQuantity,
    });
  }
  for (const bucket of ['day', 'hour'] as const) {
    const agg = await aggregate(t.cache, {}, { bucket, time: 'usageHour', maxGroups: 1000 });
    expect(agg.totals).toMatchObject({
      successQuantity: billedOnceFixture.totals.billedQuantity,
      billing: billedOnceFixture.totals,
      truncatedCalls: 0,
    });
    const c1 = agg.customerDimension.filter((g) => g.customer === 'c1');
    expect(c1.map((g) => g.successQuantity)).toEqual([5]);
    expect(agg.dimensionSeries.map((s) => s.successQuantity)).toEqual([
      billedOnceFixture.totals.billedQuantity,
    ]);
  }
}

describe('the audit cache’s billed-once view (SQL)', () => {
  let t: TestCache | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('agrees with the fixture row by row, in its totals, charts and per-customer groups', async () => {
    t = await openTestCache('123456789012');
    await t.cache.store(storedEvents(fixtureEvents()));
    await expectFixtureAgreement(t);
  });

  it('agrees whatever order the events arrive in, one by one (sync runs newest first)', async () => {
    t = await openTestCache('123456789012');
    // Oldest first, then the ties the other way round: storage order must not decide.
    const events = fixtureEvents().reverse();
    const tie = events.findIndex((e) => e.eventId === 'ev-t1a');
    const [a, b] = [events[tie], events[tie + 1]];
    if (a && b) [events[tie], events[tie + 1]] = [b, a];
    for (const event of events) await t.cache.store(storedEvents([event]));
    await expectFixtureAgreement(t);
  });
});
