// What the history keeps of a resolution: never the token, only a short hash of it (enough to
// recognise a repeat), where it was resolved and what came back.
import { createHash } from 'node:crypto';
import type { ExtractionSummary, ResolutionEntry } from '../../../shared/channels/customers';
import type { ConnectionSummary } from '../../../shared/contract';
import type { extractRegistrationToken } from '../../../shared/tokens';
import type { Outcome } from './resolve-call';

export type Extracted = Extract<ReturnType<typeof extractRegistrationToken>, { ok: true }>;

/** First 12 hex digits of SHA-256: recognises a repeat without keeping anything usable. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 12);
}

export function extractionSummary(extraction: Extracted, hash: string): ExtractionSummary {
  return {
    source: extraction.source,
    steps: extraction.steps,
    warnings: extraction.warnings,
    ...(extraction.offerType === undefined ? {} : { offerType: extraction.offerType }),
    tokenLength: extraction.token.length,
    tokenHash: hash,
  };
}

export function historyEntry(
  id: string,
  connection: ConnectionSummary,
  extraction: Extracted,
  hash: string,
  outcome: Outcome,
  at: number,
  bulkTaskId?: string,
): ResolutionEntry {
  return {
    id,
    at: new Date(at).toISOString(),
    connectionId: connection.id,
    connectionName: connection.name,
    ...(connection.accountId === undefined ? {} : { accountId: connection.accountId }),
    region: outcome.region,
    tokenHash: hash,
    source: extraction.source,
    ...(extraction.offerType === undefined ? {} : { offerType: extraction.offerType }),
    ...('customer' in outcome
      ? { outcome: 'resolved' as const, customer: outcome.customer }
      : {
          outcome: 'failed' as const,
          failureKind: outcome.failure.kind,
          failureTitle: outcome.failure.title,
        }),
    ...(bulkTaskId === undefined ? {} : { bulkTaskId }),
  };
}
