// Pairing AWS's answers with the request records: answers that echo every request record in its
// own place are paired in place without a search, and that is the pairing the search makes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairAnswers, type UsageRecord } from './usage-record';

const HOUR = 3_600_000;

/** Few distinct values, so requests often share a key (customer, dimension and hour). */
const usageRecord: fc.Arbitrary<UsageRecord> = fc
  .record({
    dimension: fc.constantFrom('users', 'storage'),
    hour: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    customer: fc.constantFrom('a', 'b'),
    accountId: fc.boolean(),
    license: fc.option(fc.constantFrom('l-1', 'l-2'), { nil: undefined }),
    quantity: fc.integer({ min: 0, max: 2 }),
  })
  .map((r) => ({
    dimension: r.dimension,
    usageTime: r.hour === null ? null : Date.UTC(2026, 0, 1) + r.hour * HOUR + 60_000,
    rawTime: r.hour === null ? 'not a time' : `hour ${String(r.hour)}`,
    quantity: r.quantity,
    ...(r.accountId ? { customerAwsAccountId: r.customer } : { customerIdentifier: r.customer }),
    ...(r.license === undefined ? {} : { licenseArn: r.license }),
  }));

describe('pairing answers with request records', () => {
  it('pairs answers in request order in place, as the search by key does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(usageRecord, fc.option(usageRecord, { freq: 3 })), { maxLength: 12 }),
        (pairs) => {
          const requested = pairs.map(([r]) => r);
          // Mostly the request's own echo, sometimes another record in its place.
          const answers = pairs.map(([r, other]) => other ?? { ...r });
          const paired = pairAnswers(requested, answers);
          // One answer more, without an echo, always takes the search; it can only take a
          // request record no other answer took.
          const searched = pairAnswers(requested, [...answers, null]);
          paired.answerOf.forEach((a, i) => {
            if (a !== undefined) expect(searched.answerOf[i]).toBe(a);
          });
          expect(searched.unpaired.filter((a) => a < answers.length)).toEqual(paired.unpaired);
          if (pairs.every(([, other]) => other === null)) {
            expect(paired).toEqual({ answerOf: requested.map((_, i) => i), unpaired: [] });
          }
        },
      ),
    );
  });

  it('searches when an answer echoes another record than the one in its place', () => {
    const a: UsageRecord = { dimension: 'users', usageTime: 0, rawTime: '', quantity: 1 };
    const b: UsageRecord = { ...a, dimension: 'storage', quantity: 2 };
    expect(pairAnswers([a, b], [b, a])).toEqual({ answerOf: [1, 0], unpaired: [] });
    // Same key, quantities swapped: each answer goes to the record with its quantity.
    const a5 = { ...a, quantity: 5 };
    expect(pairAnswers([a, a5], [a5, a])).toEqual({ answerOf: [1, 0], unpaired: [] });
  });
});
