// Customer ids are matched exactly by AWS (the dedup key and the subscription lookup use them as
// given), so an id with a hidden character or a space at an end names another customer.
import { describe, expect, it } from 'vitest';
import { validateRecord, type Product, type UsageRecordDraft } from '.';

const NOW = Date.UTC(2026, 6, 15, 12, 30);
const legacy: Product = {
  id: 'legacy',
  name: 'Legacy SaaS',
  kind: 'saas',
  identityModel: 'legacy',
  productCode: 'prod-legacy1',
  dimensions: [{ name: 'Users', description: '' }],
  source: 'user',
};
const ca: Product = {
  id: 'ca',
  name: 'Agreements SaaS',
  kind: 'saas',
  identityModel: 'concurrent-agreements',
  dimensions: [{ name: 'Users', description: '' }],
  source: 'user',
};
const LICENSE = 'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0';
const base = { dimension: 'Users', quantity: 1, timestamp: '2026-07-15T11:00:00Z' };
const issues = (draft: Omit<UsageRecordDraft, keyof typeof base>) =>
  validateRecord({ ...base, ...draft }, { catalog: [legacy, ca], now: NOW }).issues.map(
    (i) => `${i.severity}:${i.code}`,
  );

describe('hidden characters and spaces make an id invalid', () => {
  it.each([
    ['a tab', 'cust\t1', 'error:customer-id-control-character'],
    ['a line break', 'cust-1\n', 'error:customer-id-control-character'],
    ['NUL', 'cust\u00001', 'error:customer-id-control-character'],
    ['a zero-width space', 'cust\u200b-1', 'error:customer-id-invisible-character'],
    ['a zero-width joiner', '\u200dcust-1', 'error:customer-id-invisible-character'],
    ['a byte-order mark', '\ufeffcust-1', 'error:customer-id-invisible-character'],
    ['a leading space', ' cust-1', 'error:customer-identifier-spaces'],
    ['a trailing no-break space', 'cust-1\u00a0', 'error:customer-identifier-spaces'],
  ])('CustomerIdentifier with %s', (_what, id, code) => {
    expect(issues({ productId: 'legacy', customerIdentifier: id })).toContain(code);
  });

  it('account ids and license ARNs too', () => {
    expect(
      issues({ productId: 'ca', customerAwsAccountId: '012345678901 ', licenseArn: LICENSE }),
    ).toEqual(['error:account-id-spaces']);
    expect(
      issues({ productId: 'ca', customerAwsAccountId: '0123456789\u200b01', licenseArn: LICENSE }),
    ).toEqual(['error:customer-id-invisible-character']);
    expect(
      issues({ productId: 'ca', customerAwsAccountId: '012345678901', licenseArn: ` ${LICENSE}` }),
    ).toContain('error:license-arn-spaces');
  });

  it('a clean id passes', () => {
    expect(issues({ productId: 'legacy', customerIdentifier: 'cust-1' })).toEqual([]);
  });
});

describe('formula-looking ids need review', () => {
  it.each(['=HYPERLINK("x")', '+cust', '-cust', '@SUM(A1)', '\uff1dcust'])('%s', (id) => {
    expect(issues({ productId: 'legacy', customerIdentifier: id })).toEqual([
      'warning:customer-id-formula',
    ]);
  });
  it('a formula sign inside an id is fine', () => {
    expect(issues({ productId: 'legacy', customerIdentifier: 'cust=1+2' })).toEqual([]);
  });
});
