import { describe, expect, it } from 'vitest';
import { BILLING_CONFIRMATION_PHRASE } from '../../../shared/billing-confirmation';
import { AppError } from '../../../shared/errors';
import {
  billingDigest,
  billingPreview,
  requireBillingConfirmation,
  totalsOf,
  type BillingPlan,
} from './guard';

const plan: BillingPlan = {
  kind: 'metering-submit',
  action: 'Submit 2 usage records in 1 call',
  target: {
    connectionId: 'conn-1',
    connectionName: 'Production',
    isSandbox: false,
    accountId: '123456789012',
    region: 'us-east-1',
    endpoint: 'https://metering.example.test',
  },
  records: 2,
  calls: 1,
  totals: [{ group: 'prod-a', dimension: 'requests', records: 2, quantity: 30 }],
  content: { records: [{ q: 10 }, { q: 20 }] },
};

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected CONFIRMATION_REQUIRED');
}

describe('billing guard', () => {
  it('binds the digest to every fact of the plan: records, totals, connection, account, region, endpoint', () => {
    const base = billingDigest(plan);
    expect(billingDigest({ ...plan })).toBe(base);
    const changes: BillingPlan[] = [
      { ...plan, content: { records: [{ q: 10 }, { q: 21 }] } },
      { ...plan, totals: [{ group: 'prod-a', dimension: 'requests', records: 2, quantity: 31 }] },
      { ...plan, calls: 2 },
      { ...plan, target: { ...plan.target, connectionId: 'conn-2' } },
      { ...plan, target: { ...plan.target, accountId: '210987654321' } },
      { ...plan, target: { ...plan.target, region: 'eu-west-1' } },
      { ...plan, target: { ...plan.target, endpoint: 'https://other.example.test' } },
      { ...plan, kind: 'metering-resume' },
    ];
    for (const changed of changes) expect(billingDigest(changed)).not.toBe(base);
    // Key order does not matter, values do.
    expect(billingDigest({ ...plan, content: { records: [{ q: 10 }, { q: 20 }] } })).toBe(base);
  });

  it('passes the Sandbox without a confirmation', () => {
    const sandbox = { ...plan, target: { ...plan.target, isSandbox: true } };
    expect(requireBillingConfirmation(sandbox, undefined).required).toBe(false);
  });

  it('refuses a real connection without the phrase and this digest, with the preview to show', () => {
    const preview = billingPreview(plan);
    const missing = refusal(() => requireBillingConfirmation(plan, undefined));
    expect(missing.code).toBe('CONFIRMATION_REQUIRED');
    expect(missing.details).toEqual({ billing: preview });
    const phrase = refusal(() =>
      requireBillingConfirmation(plan, { digest: preview.digest, phrase: 'ok' }),
    );
    expect(phrase.code).toBe('CONFIRMATION_REQUIRED');
    const stale = refusal(() =>
      requireBillingConfirmation(
        { ...plan, target: { ...plan.target, region: 'eu-west-1' } },
        { digest: preview.digest, phrase: BILLING_CONFIRMATION_PHRASE },
      ),
    );
    expect(stale.message).toMatch(/not what was confirmed/);
    expect(
      requireBillingConfirmation(plan, {
        digest: preview.digest,
        phrase: BILLING_CONFIRMATION_PHRASE,
      }).digest,
    ).toBe(preview.digest);
  });

  it('totals records and quantity per group and dimension', () => {
    expect(
      totalsOf([
        { group: 'a', dimension: 'x', quantity: 1 },
        { group: 'a', dimension: 'x', quantity: 2 },
        { group: 'b', dimension: 'x', quantity: 5 },
      ]),
    ).toEqual([
      { group: 'a', dimension: 'x', records: 2, quantity: 3 },
      { group: 'b', dimension: 'x', records: 1, quantity: 5 },
    ]);
  });
});
