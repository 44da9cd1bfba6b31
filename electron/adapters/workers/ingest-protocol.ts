// Messages between the core and a CloudTrail ingest worker: a batch of events goes out with the
// scope it was fetched for; back come the events parsed, as columns (parsed-columns.ts), and
// their raw records packed (null where a record stays text).
import type { ParsedColumns } from '../../services/audit/parsed-columns';
import type { AuditScope } from '../../services/audit/scope';
import type { LookupEvent } from '../../services/audit/sync';

export type IngestRequest = { id: number; scope: AuditScope; events: LookupEvent[] };

export type IngestReply =
  | { id: number; columns: ParsedColumns; packed: (Uint8Array | null)[] }
  | { id: number; error: string };
