// Messages between the core and a CloudTrail ingest worker: a batch of events goes out with the
// scope it was fetched for, their records' text apart (record-texts.ts); back come the events
// parsed, as columns (parsed-columns.ts), and their raw records packed (null where a record
// stays text).
import type { ParsedColumns } from '../../services/audit/parsed-columns';
import type { AuditScope } from '../../services/audit/scope';
import type { LookupEvent } from '../../services/audit/sync';
import type { RecordTexts } from './record-texts';

/** An event without its record's text (sent in `texts`, at the same place). */
export type EventWithoutText = Omit<LookupEvent, 'cloudTrailEvent' | 'parsedRecord'>;

export type IngestRequest = {
  id: number;
  scope: AuditScope;
  events: EventWithoutText[];
  texts: RecordTexts;
};

export type IngestReply =
  | { id: number; columns: ParsedColumns; packed: (Uint8Array | null)[] }
  | { id: number; error: string };
