// Reading several fields in one pass finds each one where `get` would, whatever the keys' case
// and order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldReader, get, type Obj } from './json';

const NAMES = ['timestamp', 'customerAWSAccountId', 'licenseArn'] as const;

/** The names, other casings of them, and keys of the same length that are not them. */
const KEYS = [
  ...NAMES,
  'TimeStamp',
  'TIMESTAMP',
  'customerAWSAccountID',
  'customerAwsAccountId',
  'LicenseARN',
  'licenseArx',
  'timestamq',
  'quantity',
];

const object: fc.Arbitrary<Obj> = fc
  .array(
    fc.tuple(fc.constantFrom(...KEYS), fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
    {
      maxLength: 8,
    },
  )
  .map((entries) => Object.fromEntries(entries));

describe('fieldReader', () => {
  const read = fieldReader(NAMES);

  it('finds each field as get does, exact key first, else the first match in any case', () => {
    fc.assert(
      fc.property(object, (obj) => {
        expect(read(obj)).toEqual(NAMES.map((name) => get(obj, name)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('prefers an exact key that comes after a match in another case', () => {
    const obj = { customerAWSAccountID: 'first', customerAWSAccountId: 'exact' };
    expect(read(obj)[1]).toBe('exact');
    expect(read({ LICENSEARN: 'a', licenseARN: 'b' })[2]).toBe('a');
  });

  it('reads only own keys', () => {
    const obj = Object.create({ timestamp: 'inherited' }) as Obj;
    expect(read(obj)).toEqual([undefined, undefined, undefined]);
  });

  it('refuses names that differ only in case', () => {
    expect(() => fieldReader(['licenseArn', 'LicenseArn'])).toThrow(/more than case/);
  });
});
