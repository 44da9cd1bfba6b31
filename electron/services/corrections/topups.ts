// Top-ups are metered like any submission: validated, journaled and sent by the metering engine.
// The case entry is written before the submission starts ("submitting", with the exact records),
// so a crash between the two can be told apart from a top-up never sent: the journal either holds
// a submission with those records (it was sent; the case adopts it) or it does not (it was not).
import type { CaseEntry, Proposal } from '../../../shared/channels/corrections';
import type { JournalRow } from '../../../shared/channels/journal';
import type { UsageRecord } from '../../../shared/metering';
import type { CorrectionsDeps, StoredCase } from './ports';

export type TopUpEntry = Extract<CaseEntry, { kind: 'top-up' }>;
type TopUpProposal = NonNullable<Proposal['topUp']>;

const FAILED = new Set(['DuplicateRecord', 'CustomerNotSubscribed', 'Rejected']);
const PENDING_SUBMISSION = 'pending';

export function topUpRecords(stored: StoredCase, entry: TopUpEntry): UsageRecord[] {
  const legacy = stored.product.identityModel === 'legacy';
  return entry.records.map((r, i) => ({
    rowId: `${entry.entryId}-${String(i + 1)}`,
    productId: stored.product.productId,
    operation: 'BatchMeterUsage',
    ...(legacy && stored.product.productCode !== undefined
      ? { productCode: stored.product.productCode }
      : {}),
    ...(legacy && stored.customer.customerIdentifier !== undefined
      ? { customerIdentifier: stored.customer.customerIdentifier }
      : { customerAwsAccountId: stored.customer.awsAccountId }),
    ...(legacy || stored.customer.licenseArn === undefined
      ? {}
      : { licenseArn: stored.customer.licenseArn }),
    dimension: stored.dimension,
    quantity: r.quantity,
    timestamp: r.timestamp,
  }));
}

export function planTopUp(stored: StoredCase, topUp: TopUpProposal, at: string): TopUpEntry {
  const n = stored.entries.filter((e) => e.kind === 'top-up').length + 1;
  return {
    kind: 'top-up',
    entryId: `${stored.caseId}-t${String(n)}`,
    submissionId: PENDING_SUBMISSION,
    records: topUp.records.map((r, i) => ({ ...r, key: `row-${String(i + 1).padStart(5, '0')}` })),
    covers: topUp.covers,
    status: 'running',
    outcomes: [],
    sentAt: at,
    updatedAt: at,
  };
}

export async function sendTopUp(
  deps: Pick<CorrectionsDeps, 'topUps'>,
  stored: StoredCase,
  entry: TopUpEntry,
): Promise<void> {
  const { submissionId } = await deps.topUps.submit(topUpRecords(stored, entry));
  entry.submissionId = submissionId;
}

/** The journaled submission that carries exactly this entry's records, if one was started. */
function adoptSubmission(
  stored: StoredCase,
  entry: TopUpEntry,
  rows: readonly JournalRow[],
): string | undefined {
  const wanted = topUpRecords(stored, entry).map((r) => `${r.timestamp}|${String(r.quantity)}`);
  const bySubmission = new Map<string, Set<string>>();
  for (const row of rows) {
    if (row.dimension !== stored.dimension || Date.parse(row.at) < Date.parse(entry.sentAt)) {
      continue;
    }
    const set = bySubmission.get(row.submissionId) ?? new Set<string>();
    set.add(`${new Date(Date.parse(row.timestamp)).toISOString()}|${String(row.quantity)}`);
    bySubmission.set(row.submissionId, set);
  }
  for (const [submissionId, seen] of bySubmission) {
    if (seen.size === wanted.length && wanted.every((w) => seen.has(w))) return submissionId;
  }
  return undefined;
}

/** Brings every top-up entry up to date from the journal (the metering engine's record). */
export function refreshTopUps(
  deps: Pick<CorrectionsDeps, 'topUps' | 'now'>,
  stored: StoredCase,
  rows: readonly JournalRow[],
): void {
  const at = new Date(deps.now()).toISOString();
  for (const entry of stored.entries) {
    if (entry.kind !== 'top-up') continue;
    if (entry.submissionId === PENDING_SUBMISSION) {
      const adopted = adoptSubmission(stored, entry, rows);
      if (adopted === undefined) {
        if (entry.status !== 'failed') {
          entry.status = 'failed';
          entry.outcomes = entry.records.map((r) => ({
            key: r.key,
            status: 'NotSent',
            error: 'Never sent: the app stopped before the submission started.',
          }));
          entry.updatedAt = at;
        }
        continue;
      }
      entry.submissionId = adopted;
    }
    const mine = rows.filter((r) => r.submissionId === entry.submissionId);
    const outcomes = entry.records.map((record) => {
      const row = mine.find((r) => r.key === record.key);
      return {
        key: record.key,
        status: row?.status ?? 'NotSent',
        ...(row?.meteringRecordId === undefined ? {} : { meteringRecordId: row.meteringRecordId }),
        ...(row?.error === undefined ? {} : { error: row.error }),
      };
    });
    const status: TopUpEntry['status'] = outcomes.every((o) => o.status === 'Success')
      ? 'billed'
      : outcomes.some((o) => FAILED.has(o.status))
        ? 'failed'
        : deps.topUps.running(entry.submissionId)
          ? 'running'
          : 'interrupted';
    if (status !== entry.status || JSON.stringify(outcomes) !== JSON.stringify(entry.outcomes)) {
      entry.status = status;
      entry.outcomes = outcomes;
      entry.updatedAt = at;
    }
  }
}

/**
 * One case-level line per failed top-up, so the failure is read where the case is, not only in
 * its records' outcomes: how many records failed and why. Units it did not bill stay owed.
 */
export function failedTopUpNotes(entries: readonly CaseEntry[]): string[] {
  return entries.flatMap((entry) => {
    if (entry.kind !== 'top-up' || entry.status !== 'failed') return [];
    const failed = entry.outcomes.filter((o) => o.status !== 'Success');
    const reasons = [...new Set(failed.map((o) => (o.error ?? o.status).replace(/\.+$/, '')))];
    return [
      `The top-up sent ${entry.sentAt} failed for ${String(failed.length)} of ${String(entry.records.length)} record(s): ${reasons.join('; ')}. The units it did not bill are still owed.`,
    ];
  });
}
