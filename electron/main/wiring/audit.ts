// Wires the audit area's services to its channels.
import type { auditChannels } from '../../../shared/channels/audit';
import type { AreaWiring, CoreDeps } from './types';

export type AuditChannel = keyof typeof auditChannels;

export function wireAudit(_deps: CoreDeps): AreaWiring<AuditChannel> {
  return { handlers: {} };
}
