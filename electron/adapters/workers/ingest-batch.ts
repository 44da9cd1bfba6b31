// One batch of CloudTrail events parsed for its scope and its raw records packed, synchronously:
// what an ingest worker does with each batch, and what the runner does in place when a worker
// cannot.
import { parseToColumns } from '../../services/audit/ingest';
import type { ParsedColumns } from '../../services/audit/parsed-columns';
import { packsRaw } from '../../services/audit/raw-pack';
import type { AuditScope } from '../../services/audit/scope';
import type { LookupEvent } from '../../services/audit/sync';
import { packTextSync } from '../storage/text-packer';

export function ingestBatch(
  events: readonly LookupEvent[],
  scope: AuditScope,
): { columns: ParsedColumns; packed: (Uint8Array | null)[] } {
  return {
    columns: parseToColumns(events, scope),
    packed: events.map((e) =>
      packsRaw(e.cloudTrailEvent) ? packTextSync(e.cloudTrailEvent) : null,
    ),
  };
}
