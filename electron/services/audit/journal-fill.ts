// Filling in what CloudTrail truncated from this app's own journal. When CloudTrail omitted the
// request and/or the response of a call this app sent, the journal still holds both: the
// records as sent (call-intent) and AWS's answer per record (call-outcome), under the request
// id CloudTrail also records. Rows filled this way are marked `filledFrom: 'journal'`, so no
// one mistakes them for what CloudTrail says. Pure.
import type { AuditRow, AuditStatus } from '../../../shared/audit';
import type { RecordStatus } from '../../../shared/journal';
import { makeRow, type Outcome, type ParsedAuditEvent } from './parse';
import { pairAnswers, readUsageRecord, type UsageRecord } from './usage-record';

/** One call as the journal knows it (electron/services/journal/query.ts callsByRequestId). */
export type JournalCall = {
  submissionId: string;
  callId: string;
  productCode?: string;
  records: {
    key: string;
    record: Record<string, unknown>;
    status?: RecordStatus;
    meteringRecordId?: string;
  }[];
};

export type JournalCallLookup = (requestId: string) => JournalCall | undefined;

const STATUS: Record<RecordStatus, AuditStatus> = {
  Success: 'Success',
  DuplicateRecord: 'DuplicateRecord',
  CustomerNotSubscribed: 'CustomerNotSubscribed',
  Unprocessed: 'Unprocessed',
  // Refused for a reason a resend cannot fix: the call or the record failed.
  Rejected: 'Failed',
  Unknown: 'Unknown',
};

function outcomeOf(record: JournalCall['records'][number]): Outcome {
  const status = record.status === undefined ? 'Unknown' : STATUS[record.status];
  return {
    status,
    ...(record.meteringRecordId === undefined ? {} : { meteringRecordId: record.meteringRecordId }),
  };
}

function usageOfRow(row: AuditRow): UsageRecord {
  return {
    dimension: row.dimension,
    usageTime: row.usageTime,
    rawTime: '',
    quantity: row.quantity,
    ...(row.customerIdentifier === undefined ? {} : { customerIdentifier: row.customerIdentifier }),
    ...(row.customerAwsAccountId === undefined
      ? {}
      : { customerAwsAccountId: row.customerAwsAccountId }),
    ...(row.licenseArn === undefined ? {} : { licenseArn: row.licenseArn }),
  };
}

/** Both parts omitted: the journal's records and answers are all there is. */
function fillAll(event: ParsedAuditEvent, call: JournalCall): void {
  event.rows = call.records.map((r, i) => {
    const row = makeRow(event, i, readUsageRecord(r.record), outcomeOf(r), call.productCode);
    row.filledFrom = 'journal';
    return row;
  });
}

/** The response omitted: each request record gets the answer the journal holds for it. */
function fillAnswers(event: ParsedAuditEvent, call: JournalCall): void {
  const journal = call.records.map((r) => readUsageRecord(r.record));
  const { answerOf } = pairAnswers(event.rows.map(usageOfRow), journal);
  event.rows.forEach((row, i) => {
    const at = answerOf[i];
    const record = at === undefined ? undefined : call.records[at];
    if (!record || record.status === undefined || row.status !== 'Unknown') return;
    const outcome = outcomeOf(record);
    row.status = outcome.status;
    if (outcome.meteringRecordId !== undefined) row.meteringRecordId = outcome.meteringRecordId;
    delete row.errorMessage;
    row.filledFrom = 'journal';
  });
}

/** The request omitted: results without an echo get their record by MeteringRecordId. */
function fillRecords(event: ParsedAuditEvent, call: JournalCall): void {
  const byId = new Map(
    call.records
      .filter((r) => r.meteringRecordId !== undefined)
      .map((r) => [r.meteringRecordId ?? '', r]),
  );
  event.rows = event.rows.map((row) => {
    const known = row.dimension !== '' || row.meteringRecordId === undefined;
    const record = known ? undefined : byId.get(row.meteringRecordId ?? '');
    if (!record) return row;
    const outcome: Outcome = {
      status: row.status,
      ...(row.meteringRecordId === undefined ? {} : { meteringRecordId: row.meteringRecordId }),
    };
    const usage = readUsageRecord(record.record);
    const filled = makeRow(event, row.recordIndex, usage, outcome, call.productCode);
    filled.filledFrom = 'journal';
    return filled;
  });
}

/** Fills a truncated event of a call this app sent; anything else is left as it is. */
export function fillFromJournal(event: ParsedAuditEvent, lookup: JournalCallLookup): void {
  if (event.truncated === undefined || event.errorCode !== undefined) return;
  if (event.eventName !== 'BatchMeterUsage' || event.requestId === undefined) return;
  const call = lookup(event.requestId);
  if (!call || call.records.length === 0) return;
  if (event.truncated === 'both') fillAll(event, call);
  else if (event.truncated === 'responseElements') fillAnswers(event, call);
  else fillRecords(event, call);
}
