// A case's customer is found by CustomerIdentifier, AWS account id or name, and a name that is
// unknown or names two accounts is a clear error, never a guess.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import type { Product } from '../../../shared/metering';
import type { KnownCustomer } from './ports';
import { resolveCustomer } from './customer';

const product: Product = {
  id: 'lumen',
  name: 'Lumen',
  kind: 'saas',
  identityModel: 'legacy',
  productCode: 'prod-lumen',
  dimensions: [{ name: 'ingested_gb', description: 'GB ingested' }],
  source: 'user',
};

const known: KnownCustomer[] = [
  { awsAccountId: '111111111111', name: 'Cedar Ridge Health Ltd' },
  { awsAccountId: '111111111111', customerIdentifier: 'CedarLumen', productCodes: ['prod-lumen'] },
  { awsAccountId: '222222222222', name: 'Cedar Point Logistics' },
  { awsAccountId: '333333333333', name: 'Birch Analytics' },
  { customerIdentifier: 'OrphanIdentifier' },
];

function refusal(query: string): AppError {
  try {
    resolveCustomer(query, known, product);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`“${query}” was expected to be refused`);
}

describe('resolveCustomer', () => {
  it('finds the same customer by account id, CustomerIdentifier or name', () => {
    const expected = {
      awsAccountId: '111111111111',
      customerIdentifier: 'CedarLumen',
      name: 'Cedar Ridge Health Ltd',
    };
    expect(resolveCustomer('111111111111', known, product)).toEqual(expected);
    expect(resolveCustomer('CedarLumen', known, product)).toEqual(expected);
    expect(resolveCustomer('cedar ridge health ltd', known, product)).toEqual(expected);
    expect(resolveCustomer('  Ridge ', known, product)).toEqual(expected);
  });

  it('refuses a name that matches two accounts, naming both', () => {
    const error = refusal('Cedar');
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toBe('2 customers match “Cedar”.');
    expect(JSON.stringify(error.details)).toContain('222222222222');
  });

  it('refuses an unknown customer, and an identifier whose account is unknown', () => {
    expect(refusal('Nobody Ltd').message).toBe('No customer matches “Nobody Ltd”.');
    expect(refusal('OrphanIdentifier').message).toMatch(/not the AWS account/);
  });
});
