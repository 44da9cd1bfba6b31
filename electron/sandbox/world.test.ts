import { describe, expect, it } from 'vitest';
import {
  createWorld,
  findProduct,
  findRegistrationToken,
  findSubscriptionByCustomerIdentifier,
  findSubscriptionByLicenseArn,
  findSubscriptionsForAccount,
  isSubscriptionBillable,
  LICENSE_ARN_PATTERN,
} from './world';

const NOW = Date.UTC(2026, 7, 20, 12);

describe('createWorld', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(createWorld(42, NOW)).toEqual(createWorld(42, NOW));
    const a = createWorld(1, NOW);
    const b = createWorld(2, NOW);
    expect(a.products.map((p) => p.productCode)).not.toEqual(b.products.map((p) => p.productCode));
    expect(a.customers.map((c) => c.awsAccountId)).not.toEqual(
      b.customers.map((c) => c.awsAccountId),
    );
  });

  it('has the product mix: 2 legacy SaaS, 2 concurrent-agreements SaaS, container, AMI', () => {
    const world = createWorld(7, NOW);
    const kinds = world.products.map((p) => `${p.kind}/${p.identityModel}`);
    expect(kinds.filter((k) => k === 'saas/legacy')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'saas/concurrent-agreements')).toHaveLength(2);
    expect(kinds).toContain('container/legacy');
    expect(kinds).toContain('ami/legacy');
    expect(world.sellerAccountId).toBe('111122223333');
    expect(world.region).toBe('us-east-1');
    for (const product of world.products) {
      expect(product.productCode).toMatch(/^[a-z0-9]{25}$/);
      expect(product.dimensions.length).toBeGreaterThan(0);
      for (const d of product.dimensions) expect(d.description).not.toBe('');
    }
  });

  it('has 20-40 buyers with 12-digit string ids, some with a leading zero, two suspended', () => {
    for (const seed of [1, 2, 3, 99]) {
      const world = createWorld(seed, NOW);
      expect(world.customers.length).toBeGreaterThanOrEqual(20);
      expect(world.customers.length).toBeLessThanOrEqual(40);
      for (const c of world.customers) expect(c.awsAccountId).toMatch(/^\d{12}$/);
      expect(world.customers.some((c) => c.awsAccountId.startsWith('0'))).toBe(true);
      expect(new Set(world.customers.map((c) => c.awsAccountId)).size).toBe(world.customers.length);
      expect(world.customers.filter((c) => c.suspended)).toHaveLength(2);
    }
  });

  it('gives legacy subscriptions identifiers and CA subscriptions valid LicenseArns', () => {
    const world = createWorld(11, NOW);
    for (const sub of world.subscriptions) {
      const product = findProduct(world, sub.productCode);
      expect(product).toBeDefined();
      if (product?.kind === 'saas' && product.identityModel === 'legacy') {
        expect(sub.customerIdentifier).toMatch(/^[A-Za-z0-9]{11}$/);
        expect(sub.licenseArn).toBeUndefined();
        const found = findSubscriptionByCustomerIdentifier(
          world,
          sub.productCode,
          sub.customerIdentifier ?? '',
        );
        expect(found).toBe(sub);
      } else if (product?.identityModel === 'concurrent-agreements') {
        expect(sub.licenseArn).toMatch(LICENSE_ARN_PATTERN);
        expect(sub.licenseArn).toMatch(
          /^arn:aws:license-manager::111122223333:license:l-[0-9a-f]{32}$/,
        );
        expect(sub.customerIdentifier).toBeUndefined();
        expect(findSubscriptionByLicenseArn(world, sub.licenseArn ?? '')).toBe(sub);
      }
    }
    expect(world.subscriptions.some((s) => s.status === 'unsubscribed')).toBe(true);
  });

  it('keeps a known-good buyer: customer 0 is active on every product', () => {
    const world = createWorld(3, NOW);
    const first = world.customers[0];
    expect(first?.suspended).toBe(false);
    for (const product of world.products) {
      const subs = findSubscriptionsForAccount(
        world,
        product.productCode,
        first?.awsAccountId ?? '',
      );
      expect(subs.length).toBeGreaterThan(0);
      expect(subs.every((s) => isSubscriptionBillable(world, s))).toBe(true);
    }
  });

  it('has valid and expired registration tokens, some with +, / and =', () => {
    const world = createWorld(5, NOW);
    expect(world.tokens.some((t) => t.expiresAt > NOW)).toBe(true);
    expect(world.tokens.some((t) => t.expiresAt < NOW)).toBe(true);
    expect(world.tokens.some((t) => /[+/=]/.test(t.token) && t.expiresAt > NOW)).toBe(true);
    for (const token of world.tokens) {
      expect(findRegistrationToken(world, token.token)).toBe(token);
      expect(findProduct(world, token.productCode)?.kind).toBe('saas');
    }
  });
});
