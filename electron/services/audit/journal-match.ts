// Matching CloudTrail rows to this app's own journal: a row is "sent from Meterdesk" when a
// journal record has its MeteringRecordId or, failing that, the same account, region, customer,
// license, dimension, usage hour and quantity. Journal records AWS answered but CloudTrail does
// not show after a grace period (CloudTrail's latency) are "not yet seen". Pure.
import { HOUR_MS, type AuditRow } from '../../../shared/audit';
import type { AuditSent, AuditUnseen } from '../../../shared/channels/audit';
import type { JournalRow } from '../../../shared/channels/journal';

/** Journal statuses that mean the call reached AWS, so CloudTrail must have logged it. */
const ANSWERED = new Set<JournalRow['status']>([
  'Success',
  'DuplicateRecord',
  'CustomerNotSubscribed',
  'Unprocessed',
]);

export type MatchFields = {
  accountId: string;
  region: string;
  customer: string;
  licenseArn: string;
  dimension: string;
  hour: number | null;
  quantity: number;
};

export function matchKey(f: MatchFields): string {
  return [
    f.accountId,
    f.region,
    f.customer,
    f.licenseArn,
    f.dimension,
    f.hour ?? '',
    f.quantity,
  ].join('\n');
}

export function rowMatchKey(row: AuditRow): string {
  return matchKey({
    accountId: row.accountId,
    region: row.region,
    customer: row.customerAwsAccountId ?? row.customerIdentifier ?? '',
    licenseArn: row.licenseArn ?? '',
    dimension: row.dimension,
    hour: row.usageHour,
    quantity: row.quantity,
  });
}

function hourOf(timestamp: string): number | null {
  const ms = Date.parse(timestamp);
  return Number.isFinite(ms) ? Math.floor(ms / HOUR_MS) * HOUR_MS : null;
}

export function journalMatchKey(row: JournalRow): string {
  return matchKey({
    accountId: row.account,
    region: row.region,
    customer: row.customer,
    licenseArn: row.licenseArn ?? '',
    dimension: row.dimension,
    hour: hourOf(row.timestamp),
    quantity: row.quantity,
  });
}

export type JournalMatcher = {
  /** The journal record behind a CloudTrail row, if this app sent it. */
  match: (row: AuditRow) => AuditSent | undefined;
  /** BatchMeterUsage records AWS answered, oldest first (what CloudTrail should show). */
  answered: readonly JournalRow[];
};

function push<K>(map: Map<K, JournalRow[]>, key: K, row: JournalRow): void {
  const list = map.get(key);
  if (list) list.push(row);
  else map.set(key, [row]);
}

/** Of several sends of one record (a replay), the one journaled nearest the event's time. */
function nearest(
  rows: readonly JournalRow[] | undefined,
  eventTime: number,
): JournalRow | undefined {
  let best: JournalRow | undefined;
  let bestGap = Infinity;
  for (const row of rows ?? []) {
    const gap = Math.abs(Date.parse(row.at) - eventTime);
    if (gap < bestGap) {
      best = row;
      bestGap = gap;
    }
  }
  return best;
}

/**
 * Attribution: CloudTrail's requestID is the request id AWS gave the journaled call, so it names
 * the submission and call exactly, replays included. Without it, the MeteringRecordId or the
 * record's key finds the send nearest in time (a replay's two events go to their own sends).
 */
export function createJournalMatcher(rows: readonly JournalRow[]): JournalMatcher {
  const byRequest = new Map<string, JournalRow>();
  const byId = new Map<string, JournalRow[]>();
  const byKey = new Map<string, JournalRow[]>();
  const answered: JournalRow[] = [];
  // The journal index is newest first; walk oldest first.
  for (let i = rows.length - 1; i >= 0; i -= 1) {
    const row = rows[i];
    if (!row || row.operation !== 'BatchMeterUsage' || !ANSWERED.has(row.status)) continue;
    answered.push(row);
    if (row.requestId !== undefined && !byRequest.has(row.requestId)) {
      byRequest.set(row.requestId, row);
    }
    if (row.meteringRecordId !== undefined) push(byId, row.meteringRecordId, row);
    push(byKey, journalMatchKey(row), row);
  }
  const sent = (row: JournalRow, by: AuditSent['by']): AuditSent => ({
    submissionId: row.submissionId,
    ...(row.callId === undefined ? {} : { callId: row.callId }),
    osUser: row.osUser,
    at: row.at,
    by,
  });
  return {
    answered,
    match(row) {
      const call = row.requestId === undefined ? undefined : byRequest.get(row.requestId);
      if (call) return sent(call, 'requestId');
      const byRecordId =
        row.meteringRecordId === undefined
          ? undefined
          : nearest(byId.get(row.meteringRecordId), row.eventTime);
      if (byRecordId) return sent(byRecordId, 'meteringRecordId');
      const byRecord = nearest(byKey.get(rowMatchKey(row)), row.eventTime);
      return byRecord ? sent(byRecord, 'record') : undefined;
    },
  };
}

export function unseenView(row: JournalRow): AuditUnseen {
  return {
    submissionId: row.submissionId,
    key: row.key,
    at: row.at,
    osUser: row.osUser,
    account: row.account,
    region: row.region,
    customer: row.customer,
    ...(row.licenseArn === undefined ? {} : { licenseArn: row.licenseArn }),
    ...(row.productCode === undefined ? {} : { productCode: row.productCode }),
    dimension: row.dimension,
    timestamp: row.timestamp,
    quantity: row.quantity,
    status: row.status,
    ...(row.meteringRecordId === undefined ? {} : { meteringRecordId: row.meteringRecordId }),
  };
}
