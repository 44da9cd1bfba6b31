// What the journal says about records besides AWS's answers: parked after the allowed tries, or
// settled without a send (window closed, or per CloudTrail). Applied to the Journal's rows.
import type { JournalRow, JournalRowStatus } from '../../../shared/channels/journal';
import type { JournalLine, Settlement } from '../../../shared/journal';

type NoteEntry = Extract<JournalLine, { kind: 'records-parked' | 'records-settled' }>;

const STATUS_OF: Record<Settlement, JournalRowStatus> = {
  'window-closed': 'WindowClosed',
  'billed-per-cloudtrail': 'BilledPerCloudTrail',
  'not-billed-per-cloudtrail': 'NotBilled',
};

/** Row statuses that close a record without an AWS answer of its own. */
export const SETTLED_ROW_STATUSES: ReadonlySet<JournalRowStatus> = new Set<JournalRowStatus>([
  'WindowClosed',
  'BilledPerCloudTrail',
  'NotBilled',
  'SentLater',
]);

export function applyRecordNotes(rows: Map<string, JournalRow>, entry: NoteEntry): void {
  if (entry.kind === 'records-parked') {
    for (const record of entry.records) {
      const row = rows.get(record.key);
      if (row === undefined) continue;
      row.parked = true;
      row.status = record.status;
      row.at = entry.at;
    }
    return;
  }
  for (const record of entry.records) {
    const row = rows.get(record.key);
    if (row === undefined) continue;
    row.status = STATUS_OF[record.settlement];
    row.at = entry.at;
    delete row.parked;
    if (record.meteringRecordId !== undefined) row.meteringRecordId = record.meteringRecordId;
    if (record.eventId !== undefined && record.eventTime !== undefined) {
      row.evidence = {
        eventId: record.eventId,
        eventTime: record.eventTime,
        ...(record.meteringRecordId === undefined
          ? {}
          : { meteringRecordId: record.meteringRecordId }),
        ...(record.quantity === undefined ? {} : { quantity: record.quantity }),
        by: 'record',
      };
    }
    if (entry.reason !== undefined) row.error = entry.reason;
  }
}
