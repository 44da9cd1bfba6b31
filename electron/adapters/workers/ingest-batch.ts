// One batch of CloudTrail events parsed for its scope and its raw records packed, synchronously,
// record after record: what an ingest worker does with each batch, and what the runner does in
// place when a worker cannot.
import { parseForScope } from '../../services/audit/ingest';
import { columnsBuilder, type ParsedColumns } from '../../services/audit/parsed-columns';
import { packsRaw } from '../../services/audit/raw-pack';
import type { AuditScope } from '../../services/audit/scope';
import type { LookupEvent } from '../../services/audit/sync';
import { packTextSync, packUtf8Sync } from '../storage/text-packer';

export type IngestedBatch = { columns: ParsedColumns; packed: (Uint8Array | null)[] };

/** An event of the batch, with its record's UTF-8 bytes where the caller holds them. */
export type BatchEvent = { event: LookupEvent; utf8: Uint8Array | null };

export function ingestEach(
  count: number,
  eventAt: (place: number) => BatchEvent,
  scope: AuditScope,
): IngestedBatch {
  const builder = columnsBuilder();
  const packed: (Uint8Array | null)[] = [];
  for (let place = 0; place < count; place++) {
    const { event, utf8 } = eventAt(place);
    builder.add(parseForScope(event, scope));
    const raw = event.cloudTrailEvent;
    if (!packsRaw(raw)) packed.push(null);
    else packed.push(utf8 ? packUtf8Sync(utf8) : packTextSync(raw));
  }
  return { columns: builder.finish(), packed };
}

export function ingestBatch(events: readonly LookupEvent[], scope: AuditScope): IngestedBatch {
  return ingestEach(
    events.length,
    (place) => ({ event: events[place] as LookupEvent, utf8: null }),
    scope,
  );
}
