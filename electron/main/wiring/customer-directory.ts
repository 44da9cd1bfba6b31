// Wires the customer directory to its sources (services/customers/directory-sources.ts): the
// ResolveCustomer history (the customers area's), the Sandbox's world while the Sandbox is the
// connection in use, the journal, and the active account's CloudTrail cache (the audit area's).
import type { customerDirectoryChannels } from '../../../shared/channels/customer-directory';
import type { ResolutionEntry } from '../../../shared/channels/customers';
import { createSandboxAdmin } from '../../adapters/sandbox-admin';
import { createCustomerDirectory, type DirectorySource } from '../../services/customers/directory';
import {
  cloudTrailSource,
  journalSource,
  resolutionSightings,
  sandboxSightings,
  type AuditReads,
} from '../../services/customers/directory-sources';
import type { AreaWiring, CoreDeps } from './types';

export type CustomerDirectoryChannel = keyof typeof customerDirectoryChannels;

export type DirectoryWiringSources = {
  history: () => Promise<readonly ResolutionEntry[]>;
  audit: AuditReads;
};

export function wireCustomerDirectory(
  deps: CoreDeps,
  sources: DirectoryWiringSources,
): AreaWiring<CustomerDirectoryChannel> {
  const account = (): string | undefined => deps.connections.active()?.accountId;
  const resolutions: DirectorySource = async () =>
    resolutionSightings(await sources.history(), account());
  const sandboxWorld: DirectorySource = async () => {
    if (deps.connections.active()?.isSandbox !== true || deps.sandbox === null) return [];
    return sandboxSightings(await createSandboxAdmin(deps.sandbox).world());
  };
  const journal = journalSource({
    stamp: () => deps.submissions.index(),
    lines: () => deps.submissions.journal.entries(),
    accountId: account,
  });
  const directory = createCustomerDirectory({
    sources: [resolutions, sandboxWorld, journal, cloudTrailSource(sources.audit)],
    onSourceError: (error) => deps.logger.warn('customer directory: a source failed', { error }),
  });
  return { handlers: { 'customers:directory': () => directory.list() } };
}
