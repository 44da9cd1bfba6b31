// Resuming an interrupted submission: exactly its unresolved records, under their original keys
// and wire bytes (AWS's hourly dedup makes resending an already-billed identical record safe),
// grouped as they were so one call still carries one product or license set.
// Every record is checked again first: one CloudTrail shows billed is never resent, and one
// whose acceptance window has closed is not sent (AWS would refuse its whole call) but settled.
import { AppError } from '../../../shared/errors';
import type { JournalOperation, Settlement } from '../../../shared/journal';
import type { BilledEvidence, BilledLookup, BilledQuery } from '../billed-lookup';
import type { InterruptedSubmission, Journal, UnresolvedRecord } from '../journal/journal';
import type { EngineRecord } from './engine';
import { windowClosed } from './window';
import { wireQuantity, wireString, wireTimestamp } from './wire';

export type ResumePlan = {
  interrupted: InterruptedSubmission;
  operation: JournalOperation;
  records: EngineRecord[];
};

type GroupInfo = { productCode?: string; group?: string };

/** key → how it was grouped, from the submission's own `submission-started` entry. */
async function groupsOf(journal: Journal, submissionId: string): Promise<Map<string, GroupInfo>> {
  const map = new Map<string, GroupInfo>();
  for (const entry of await journal.submission(submissionId)) {
    if (entry.kind !== 'submission-started') continue;
    for (const g of entry.groups) {
      const keys = (g as { keys?: unknown }).keys;
      const group = (g as { group?: unknown }).group;
      if (!Array.isArray(keys)) continue;
      for (const key of keys) {
        if (typeof key !== 'string') continue;
        map.set(key, {
          ...(g.productCode === undefined ? {} : { productCode: g.productCode }),
          ...(typeof group === 'string' ? { group } : {}),
        });
      }
    }
  }
  return map;
}

export async function planResume(journal: Journal, submissionId: string): Promise<ResumePlan> {
  const all = await journal.interruptedSubmissions();
  const interrupted = all.find((s) => s.submissionId === submissionId);
  if (!interrupted) {
    throw new AppError(
      'NOT_FOUND',
      `Submission ${submissionId} is not interrupted: it finished, was cancelled, or was already resumed.`,
    );
  }
  if (interrupted.unresolved.length === 0) {
    throw new AppError(
      'CONFLICT',
      `Submission ${submissionId} counts ${interrupted.unjournaledRecords} record(s) the journal never listed, so they cannot be resent from it.`,
      { hint: 'Import those records again and check the Journal for what was billed.' },
    );
  }
  const groups = await groupsOf(journal, submissionId);
  const records = interrupted.unresolved.map((u): EngineRecord => {
    const g = groups.get(u.key) ?? {};
    const productCode = u.productCode ?? g.productCode;
    return {
      key: u.key,
      record: u.record,
      ...(productCode === undefined ? {} : { productCode }),
      ...(g.group === undefined ? {} : { group: g.group }),
    };
  });
  return { interrupted, operation: interrupted.operation ?? 'BatchMeterUsage', records };
}

/** What a resume does with one unresolved record. */
export type ResumeDisposition =
  /** Sent again (it was never applied, or an identical resend settles it). */
  | 'resend'
  /** Not sent: settled without a call. */
  | Settlement;

export type ResumeDecision = {
  record: UnresolvedRecord;
  disposition: ResumeDisposition;
  evidence?: BilledEvidence;
};

/** CloudTrail logs a call when it reaches AWS: a little around the intent's time. */
const SENT_BEFORE_MS = 60_000;
const SENT_AFTER_MS = 10 * 60_000;
const HOUR_MS = 3_600_000;

/** When each call of the submission was sent, and the request id AWS gave it. */
async function callsOf(journal: Journal, submissionId: string) {
  const calls = new Map<string, { at: number; requestId?: string }>();
  for (const entry of await journal.submission(submissionId)) {
    if (entry.kind === 'call-intent') calls.set(entry.callId, { at: Date.parse(entry.at) });
    if (entry.kind === 'call-outcome' && entry.requestId !== undefined) {
      const call = calls.get(entry.callId);
      if (call) call.requestId = entry.requestId;
    }
  }
  return calls;
}

function billedQuery(
  plan: ResumePlan,
  record: UnresolvedRecord,
  call: { at: number; requestId?: string } | undefined,
): BilledQuery | null {
  const r = record.record;
  const ms = wireTimestamp(r);
  if (call === undefined || !Number.isFinite(ms)) return null;
  const licenseArn = wireString(r, 'LicenseArn');
  const productCode = record.productCode ?? wireString(r, 'ProductCode');
  return {
    accountId: plan.interrupted.context.account,
    region: plan.interrupted.context.region,
    ...(call.requestId === undefined ? {} : { requestId: call.requestId }),
    customer:
      wireString(r, 'CustomerAWSAccountId', 'CustomerIdentifier') ??
      (plan.operation === 'MeterUsage' ? plan.interrupted.context.account : ''),
    ...(licenseArn === undefined ? {} : { licenseArn }),
    ...(productCode === undefined ? {} : { productCode }),
    dimension: wireString(r, 'Dimension', 'UsageDimension') ?? '',
    hour: Math.floor(ms / HOUR_MS) * HOUR_MS,
    sentFrom: call.at - SENT_BEFORE_MS,
    sentTo: call.at + SENT_AFTER_MS,
  };
}

/**
 * Decides per record: a record that may have been applied (its answer was lost) is looked up in
 * the CloudTrail cache first; billed there (by its request id, or the same quantity for its
 * customer, dimension and hour) it is settled, never resent. What is left is resent while AWS
 * still accepts its hour, and settled as window-closed (or not billed, when CloudTrail's
 * complete record says so) once it does not.
 */
export async function decideResume(
  journal: Journal,
  plan: ResumePlan,
  ctx: { now: number; billed: BilledLookup },
): Promise<ResumeDecision[]> {
  const calls = await callsOf(journal, plan.interrupted.submissionId);
  const unresolved = plan.interrupted.unresolved;
  const maybeApplied = (u: UnresolvedRecord): boolean =>
    u.lastStatus === 'NoOutcome' || u.lastStatus === 'Unknown';
  const queries = unresolved.map((u) =>
    maybeApplied(u)
      ? billedQuery(plan, u, u.callId === undefined ? undefined : calls.get(u.callId))
      : null,
  );
  const asked = queries.flatMap((q) => (q === null ? [] : [q]));
  const answers = asked.length === 0 ? [] : await ctx.billed.lookup(asked);
  let next = 0;
  return unresolved.map((record, i): ResumeDecision => {
    const query = queries[i];
    const answer = query === null || query === undefined ? undefined : answers[next++];
    const billed = answer?.billed;
    const ours =
      billed !== null &&
      billed !== undefined &&
      (billed.by === 'requestId' || billed.quantity === wireQuantity(record.record));
    if (ours) return { record, disposition: 'billed-per-cloudtrail', evidence: billed };
    const engineRecord = { key: record.key, record: record.record };
    if (!windowClosed(plan.operation, engineRecord, ctx.now))
      return { record, disposition: 'resend' };
    return {
      record,
      disposition:
        answer?.complete === true && billed === null
          ? 'not-billed-per-cloudtrail'
          : 'window-closed',
    };
  });
}
