// Wires the customer directory: its sources are the ResolveCustomer history (the customers
// area's) and, on the Sandbox connection, the Sandbox's world of customers and subscriptions.
import type { customerDirectoryChannels } from '../../../shared/channels/customer-directory';
import type { ResolutionEntry } from '../../../shared/channels/customers';
import { createSandboxAdmin } from '../../adapters/sandbox-admin';
import {
  createCustomerDirectory,
  type DirectorySource,
  type IdentitySighting,
} from '../../services/customers/directory';
import type { AreaWiring, CoreDeps } from './types';

export type CustomerDirectoryChannel = keyof typeof customerDirectoryChannels;

/** What the Sandbox's admin API adds to its world view: names, and legacy identifiers. */
type SandboxDirectoryView = {
  customers: { awsAccountId: string; name: string }[];
  subscriptions: { customerAwsAccountId: string; customerIdentifier?: string }[];
};

export function wireCustomerDirectory(
  deps: CoreDeps,
  history: () => Promise<readonly ResolutionEntry[]>,
): AreaWiring<CustomerDirectoryChannel> {
  /** ResolveCustomer answers of the active connection's seller account. */
  const resolutions: DirectorySource = async () => {
    const account = deps.connections.active()?.accountId;
    return (await history()).flatMap((entry): IdentitySighting[] =>
      entry.outcome === 'resolved' && entry.customer && entry.accountId === account
        ? [{ ...entry.customer, source: 'resolve' }]
        : [],
    );
  };
  /** The Sandbox's own buyers, while the Sandbox is the connection in use. */
  const sandboxWorld: DirectorySource = async () => {
    if (deps.connections.active()?.isSandbox !== true || deps.sandbox === null) return [];
    const world = (await createSandboxAdmin(deps.sandbox).world()) as SandboxDirectoryView;
    const names = world.customers.map((c): IdentitySighting => ({
      customerAwsAccountId: c.awsAccountId,
      name: c.name,
      source: 'sandbox',
    }));
    const identifiers = world.subscriptions.flatMap((s): IdentitySighting[] =>
      s.customerIdentifier
        ? [
            {
              customerAwsAccountId: s.customerAwsAccountId,
              customerIdentifier: s.customerIdentifier,
              source: 'sandbox',
            },
          ]
        : [],
    );
    return [...names, ...identifiers];
  };
  const directory = createCustomerDirectory({
    sources: [resolutions, sandboxWorld],
    onSourceError: (error) => deps.logger.warn('customer directory: a source failed', { error }),
  });
  return { handlers: { 'customers:directory': () => directory.list() } };
}
