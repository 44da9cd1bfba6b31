// The submission state machine's journal: every record moves
//   planned → sent → answered | unknown → settled | parked
// and every move is written here, in one function, before the engine acts on it (an intent is
// durable before its call leaves; an outcome, a parking or a settlement before it is reported).
// A retry is a move back to `sent` with the next attempt number.
import type {
  JournalContext,
  JournalOperation,
  RecordStatus,
  Settlement,
} from '../../../shared/journal';
import type { AppError } from '../../../shared/errors';
import type { Journal } from '../journal/journal';
import { awsDetails } from './classify';
import type { RecordOutcome, SubmissionCounts } from './engine-types';
import { groupOf, type EngineRecord } from './wire';

/** Why a call is sent: its first try, a retry after no answer, AWS's UnprocessedRecords, a half. */
export type CallReason = 'first' | 'retry' | 'unprocessed' | 'bisect';

export type Transition =
  /** The whole plan, before anything is sent. */
  | { to: 'planned'; records: readonly EngineRecord[]; resendOf?: string; planId?: string }
  /** A call's intent: durable before the call leaves. */
  | {
      to: 'sent';
      callId: string;
      attempt: number;
      reason: CallReason;
      records: readonly EngineRecord[];
    }
  /** AWS's answer per record (final, Unprocessed, or Unknown when none came back). */
  | {
      to: 'answered';
      callId: string;
      outcomes: readonly RecordOutcome[];
      requestId?: string;
      httpStatus?: number;
      error?: AppError;
    }
  | { to: 'parked'; outcomes: readonly RecordOutcome[]; reason: string }
  | {
      to: 'settled';
      records: readonly { key: string; settlement: Settlement }[];
      reason: string;
    }
  | { to: 'finished'; counts: SubmissionCounts }
  | { to: 'cancelled' };

export type SubmissionJournal = { write: (transition: Transition) => Promise<void> };

type Scope = { submissionId: string; context: JournalContext; operation: JournalOperation };

function plannedGroups(records: readonly EngineRecord[]) {
  const groups = new Map<string, { productCode?: string; group?: string; keys: string[] }>();
  for (const r of records) {
    const id = groupOf(r);
    const g = groups.get(id) ?? {
      ...(r.productCode === undefined ? {} : { productCode: r.productCode }),
      ...(r.group === undefined ? {} : { group: r.group }),
      keys: [],
    };
    g.keys.push(r.key);
    groups.set(id, g);
  }
  return [...groups.values()].map((g) => ({ ...g, records: g.keys.length }));
}

function outcomeResults(outcomes: readonly RecordOutcome[]) {
  return outcomes.map((o) => ({
    key: o.key,
    // NotSent, DryRunPassed and WindowClosed never reach a call-outcome line.
    status: o.status as RecordStatus,
    ...(o.meteringRecordId === undefined ? {} : { meteringRecordId: o.meteringRecordId }),
    ...(o.customerAwsAccountId === undefined
      ? {}
      : { customerAwsAccountId: o.customerAwsAccountId }),
    ...(o.error === undefined ? {} : { error: o.error }),
  }));
}

/** Writes each transition of one submission as its journal line. */
export function createSubmissionJournal(journal: Journal, scope: Scope): SubmissionJournal {
  const { submissionId, context, operation } = scope;
  async function write(t: Transition): Promise<void> {
    switch (t.to) {
      case 'planned':
        await journal.append({
          kind: 'submission-started',
          submissionId,
          operation,
          context,
          groups: plannedGroups(t.records),
          totalRecords: t.records.length,
          planned: t.records.map((r) => ({ key: r.key, record: r.record })),
          ...(t.resendOf === undefined ? {} : { resendOf: t.resendOf }),
          ...(t.planId === undefined ? {} : { planId: t.planId }),
        });
        return;
      case 'sent': {
        const first = t.records[0];
        await journal.append({
          kind: 'call-intent',
          submissionId,
          callId: t.callId,
          context,
          attempt: t.attempt,
          operation,
          ...(first?.productCode === undefined ? {} : { productCode: first.productCode }),
          records: t.records.map((r) => ({ key: r.key, record: r.record })),
          reason: t.reason,
          ...(first?.group === undefined ? {} : { group: first.group }),
        });
        return;
      }
      case 'answered': {
        const name = t.error === undefined ? undefined : awsDetails(t.error).name;
        await journal.append({
          kind: 'call-outcome',
          submissionId,
          callId: t.callId,
          context,
          results: outcomeResults(t.outcomes),
          ...(t.requestId === undefined ? {} : { requestId: t.requestId }),
          ...(t.httpStatus === undefined ? {} : { httpStatus: t.httpStatus }),
          ...(t.error === undefined
            ? {}
            : {
                error: {
                  code: t.error.code,
                  message: t.error.message,
                  ...(name ? { awsName: name } : {}),
                },
              }),
        });
        return;
      }
      case 'parked':
        await journal.append({
          kind: 'records-parked',
          submissionId,
          context,
          records: t.outcomes.map((o) => ({
            key: o.key,
            status: o.status === 'Unknown' ? 'Unknown' : 'Unprocessed',
            attempts: o.attempts,
          })),
          reason: t.reason,
        });
        return;
      case 'settled':
        await journal.append({
          kind: 'records-settled',
          submissionId,
          context,
          records: t.records.map((r) => ({ key: r.key, settlement: r.settlement })),
          reason: t.reason,
        });
        return;
      case 'finished': {
        const c = t.counts;
        await journal.append({
          kind: 'submission-finished',
          submissionId,
          context,
          counts: {
            success: c.success,
            duplicate: c.duplicate,
            customerNotSubscribed: c.customerNotSubscribed,
            rejected: c.rejected,
            unprocessed: c.unprocessed + c.unknown + c.notSent + c.parked,
            parked: c.parked,
            windowClosed: c.windowClosed,
          },
        });
        return;
      }
      case 'cancelled':
        await journal.append({
          kind: 'submission-cancelled',
          submissionId,
          context,
          reason: 'Cancelled by the user; the records not sent can be resumed from the Journal.',
        });
        return;
    }
  }
  return { write };
}
