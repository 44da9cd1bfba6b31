import { describe, expect, it } from 'vitest';
import { findCustomer } from '../../../shared/channels/customer-directory';
import { createCustomerDirectory, linkCustomers, type IdentitySighting } from './directory';

describe('the customer directory links the ids one buyer is seen under', () => {
  it('joins a CustomerIdentifier and an account id seen together, transitively', () => {
    const customers = linkCustomers([
      { customerIdentifier: 'jHK8m2', customerAwsAccountId: '053004027029', source: 'resolve' },
      // A second resolution of another product links a second identifier to the same account.
      { customerIdentifier: 'Q7rP1x', customerAwsAccountId: '053004027029', source: 'resolve' },
      { customerAwsAccountId: '210987654321', source: 'resolve' },
    ]);
    expect(customers).toEqual([
      {
        accountIds: ['053004027029'],
        identifiers: ['Q7rP1x', 'jHK8m2'],
        sources: ['resolve'],
      },
      { accountIds: ['210987654321'], identifiers: [], sources: ['resolve'] },
    ]);
  });

  it('gives the buyer a name where a source knows one, whatever order the sightings come in', () => {
    const sightings: IdentitySighting[] = [
      { customerAwsAccountId: '736118442893', name: 'Cedar Ridge Health Ltd', source: 'sandbox' },
      { customerAwsAccountId: '736118442893', customerIdentifier: 'xK2', source: 'sandbox' },
      { customerIdentifier: 'xK2', customerAwsAccountId: '736118442893', source: 'resolve' },
    ];
    const forward = linkCustomers(sightings);
    expect(linkCustomers([...sightings].reverse())).toEqual(forward);
    expect(forward).toEqual([
      {
        name: 'Cedar Ridge Health Ltd',
        accountIds: ['736118442893'],
        identifiers: ['xK2'],
        sources: ['resolve', 'sandbox'],
      },
    ]);
    const directory = { customers: forward };
    expect(findCustomer(directory, 'xK2')?.name).toBe('Cedar Ridge Health Ltd');
    expect(findCustomer(directory, ' 736118442893 ')?.identifiers).toEqual(['xK2']);
    expect(findCustomer(directory, 'cedar ridge')?.accountIds).toEqual(['736118442893']);
    expect(findCustomer(directory, 'nobody')).toBeUndefined();
  });

  it('keeps the links of the sources that answered when one fails', async () => {
    const failures: unknown[] = [];
    const directory = createCustomerDirectory({
      sources: [
        () => Promise.reject(new Error('sandbox down')),
        () =>
          Promise.resolve([
            {
              customerIdentifier: 'a1',
              customerAwsAccountId: '111111111111',
              source: 'resolve' as const,
            },
          ]),
      ],
      onSourceError: (error) => failures.push(error),
    });
    const { customers } = await directory.list();
    expect(customers).toHaveLength(1);
    expect(failures).toHaveLength(1);
  });
});
