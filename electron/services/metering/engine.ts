// The submission engine: sends metering records to AWS so that every record is billed exactly
// once or clearly reported, whatever crashes, throttles or fails. Pure over ports (the metering
// API, the journal, the pacer, time), so tests drive it with fakes or the sandbox alike.
//
// Per call (and per attempt): pacer turn → `call-intent` appended and fsynced → the call →
// `call-outcome` appended. Retries are the engine's own (the SDK client has maxAttempts 1), so
// every attempt is journaled and paced.
//
// What happens to a failed call:
// - throttling / 5xx / network: retried with capped exponential backoff and full jitter. A 5xx or
//   a lost answer may have been applied, so those records are journaled `Unknown`; resending the
//   identical record is safe (AWS deduplicates per customer, dimension and hour).
// - UnprocessedRecords: resubmitted unchanged, with backoff.
// - a request-level rejection that one record can cause: the batch is bisected until the bad
//   records stand alone (and are `Rejected`) and the rest is sent.
// - credentials expired/invalid, access denied: no further call starts; the submission stays
//   open in the journal (resumable), nothing is marked as sent that was not.
import type {
  JournalContext,
  JournalOperation,
  JournalRecord,
  RecordStatus,
} from '../../../shared/journal';
import { AppError, type AppErrorShape, type ErrorCode } from '../../../shared/errors';
import type { AppendableEntry, Journal } from '../journal/journal';
import type { Pacer, PacerKey, Sleep } from '../pacing';

// ------------------------------------------------------------------------------------------------
// Ports

/** A BatchMeterUsage record as it goes on the wire, Timestamp as an ISO string. */
export type WireRecord = Record<string, unknown>;

export type BatchCallResult = {
  /** Records AWS processed, echoed back with their status. */
  results: { record: WireRecord; status: string; meteringRecordId?: string }[];
  /** Records AWS did not process (transient): resubmit unchanged. */
  unprocessed: WireRecord[];
  requestId?: string;
  httpStatus?: number;
};

export type MeterCallResult = { meteringRecordId: string; requestId?: string; httpStatus?: number };

/**
 * The two metering calls. Failures are thrown as AppError from `mapAwsError` (code, retryable,
 * details.aws.{name, requestId, httpStatusCode}), which is what the engine classifies on.
 */
export type MeteringApi = {
  batchMeterUsage: (input: {
    productCode?: string;
    records: WireRecord[];
  }) => Promise<BatchCallResult>;
  meterUsage: (record: WireRecord, options: { dryRun: boolean }) => Promise<MeterCallResult>;
};

export type EngineTime = {
  /** Monotonic ms, for rates and backoff. */
  now: () => number;
  sleep: Sleep;
};

// ------------------------------------------------------------------------------------------------
// Input and outcome

export type EngineRecord = {
  /** Stable across the submission and its resends (e.g. the source row id). */
  key: string;
  /** BatchMeterUsage: the request-level ProductCode (legacy integrations); sent with the call. */
  productCode?: string;
  /**
   * BatchMeterUsage: records with different groups never share a call (one product or license
   * set per call). Defaults to productCode; licensed records should name their product here.
   */
  group?: string;
  /** The wire record (BatchMeterUsage UsageRecord or MeterUsage request), Timestamp as ISO. */
  record: WireRecord;
};

export type SubmitRequest = {
  operation: JournalOperation;
  records: EngineRecord[];
  context: JournalContext;
  /** Account and region the pacer keys on (AWS quotas are per account and region). */
  pacerKey: Omit<PacerKey, 'api'>;
  /** MeterUsage only: checks permissions; nothing is metered and nothing is journaled. */
  dryRun?: boolean;
  /** The interrupted submission these records are resent for. */
  resendOf?: string;
  /**
   * Precomputed calls (e.g. from the input side's planner): each inner list is one call. When
   * absent, the engine groups and chunks itself. Either way no call exceeds the AWS limits.
   */
  batches?: EngineRecord[][];
  /** The API for this submission's connection and region (else the engine's default). */
  api?: MeteringApi;
};

export type OutcomeStatus = RecordStatus | 'NotSent' | 'DryRunPassed';

export type RecordOutcome = {
  key: string;
  status: OutcomeStatus;
  meteringRecordId?: string;
  requestId?: string;
  /** Why: the AWS error for Rejected/Unknown/Unprocessed, or a note for DuplicateRecord. */
  error?: { code: string; message: string; awsName?: string };
  attempts: number;
};

export type SubmissionState = 'running' | 'finished' | 'cancelled' | 'stopped';

export type SubmissionCounts = {
  success: number;
  duplicate: number;
  customerNotSubscribed: number;
  rejected: number;
  unprocessed: number;
  unknown: number;
  notSent: number;
  dryRunPassed: number;
};

/** Which counter each final record status adds to. */
const countFor = {
  Success: 'success',
  DuplicateRecord: 'duplicate',
  CustomerNotSubscribed: 'customerNotSubscribed',
  Rejected: 'rejected',
  Unprocessed: 'unprocessed',
  Unknown: 'unknown',
  NotSent: 'notSent',
  DryRunPassed: 'dryRunPassed',
} as const satisfies Record<string, keyof SubmissionCounts>;

export type SubmissionProgressInfo = {
  submissionId: string;
  operation: JournalOperation;
  dryRun: boolean;
  resendOf?: string;
  state: SubmissionState;
  total: number;
  /** Records with a final answer (sent and settled, or rejected). */
  done: number;
  calls: number;
  counts: SubmissionCounts;
  ratePerSecond: number | null;
  secondsLeft: number | null;
  startedAt: number;
  finishedAt?: number;
  /** Why the submission stopped early (credentials, access, AWS unavailable…). */
  error?: AppErrorShape;
};

export type SubmissionSnapshot = SubmissionProgressInfo & { outcomes: RecordOutcome[] };

export type EngineEvents = {
  /** One call settled: the outcomes it produced (final or not). */
  onOutcomes?: (submissionId: string, outcomes: RecordOutcome[]) => void;
  onProgress?: (progress: SubmissionProgressInfo) => void;
};

export type EngineOptions = EngineEvents & {
  /** The default API; a request may bring its own (one client per connection and region). */
  api?: MeteringApi;
  journal: Journal;
  pacer: Pacer;
  time: EngineTime;
  /** Calls in flight at once (still paced). Enough to reach the API rate when latency > 100 ms. */
  concurrency?: number;
  /** Attempts per call for transient failures before the submission stops (resumable). */
  maxAttempts?: number;
  backoffBaseMs?: number;
  /** Throttling backs off from a larger base, as the SDK does (AWS-FACTS §3.3). */
  throttleBaseMs?: number;
  backoffCapMs?: number;
  random?: () => number;
  newId?: () => string;
};

export type SubmissionHandle = {
  submissionId: string;
  done: Promise<SubmissionSnapshot>;
};

export type SubmissionEngine = {
  submit: (request: SubmitRequest) => Promise<SubmissionHandle>;
  cancel: (submissionId: string) => boolean;
  status: (submissionId: string) => SubmissionSnapshot | undefined;
  running: () => string[];
};

// ------------------------------------------------------------------------------------------------
// Limits and classification

export const MAX_RECORDS_PER_CALL = 25;
/** AWS: "< 1 MB". Kept well under 1 MiB so the SDK's own framing never tips a call over. */
export const MAX_CALL_BYTES = 1_000_000;

/** Errors a single bad record can cause: bisect to find it. */
const RECORD_ATTRIBUTABLE = new Set([
  'TimestampOutOfBoundsException',
  'InvalidUsageDimensionException',
  'InvalidLicenseException',
  'InvalidTagException',
  'InvalidUsageAllocationsException',
  'InvalidCustomerIdentifierException',
  'ValidationException',
  'SerializationException',
]);

const STOP_CODES = new Set<ErrorCode>([
  'CREDENTIALS_EXPIRED',
  'CREDENTIALS_INVALID',
  'CREDENTIALS_MISSING',
  'AWS_ACCESS_DENIED',
  'UNAUTHORIZED',
  'FORBIDDEN',
]);

type AwsDetails = { name?: string; requestId?: string; httpStatusCode?: number };

function awsDetails(error: AppError): AwsDetails {
  const details = error.details as { aws?: AwsDetails } | undefined;
  return details?.aws ?? {};
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError(
    'INTERNAL',
    `The metering call failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

type Classified =
  /** Not applied (throttled): resend. */
  | { kind: 'retry'; status: 'Unprocessed'; throttled: boolean }
  /** Maybe applied (5xx, lost answer): resend the identical record to settle it. */
  | { kind: 'retry'; status: 'Unknown'; throttled: false }
  | { kind: 'bisect' }
  | { kind: 'reject' }
  /** Per-record final outcome expressed as an exception (MeterUsage). */
  | { kind: 'final'; status: 'DuplicateRecord' | 'CustomerNotSubscribed' }
  | { kind: 'stop'; status: 'Unprocessed' | 'Unknown' };

function classify(error: AppError, operation: JournalOperation, productCode?: string): Classified {
  const name = awsDetails(error).name ?? '';
  if (error.code === 'AWS_THROTTLED')
    return { kind: 'retry', status: 'Unprocessed', throttled: true };
  if (error.code === 'AWS_UNAVAILABLE' || error.code === 'NETWORK') {
    return { kind: 'retry', status: 'Unknown', throttled: false };
  }
  // Refused before anything was applied.
  if (STOP_CODES.has(error.code)) return { kind: 'stop', status: 'Unprocessed' };
  if (error.code === 'AWS_REJECTED') {
    if (operation === 'MeterUsage') {
      if (name === 'DuplicateRequestException') return { kind: 'final', status: 'DuplicateRecord' };
      if (name === 'CustomerNotEntitledException') {
        return { kind: 'final', status: 'CustomerNotSubscribed' };
      }
      return { kind: 'reject' };
    }
    if (RECORD_ATTRIBUTABLE.has(name)) return { kind: 'bisect' };
    // Without a request ProductCode, a record's missing/odd LicenseArn raises this one.
    if (name === 'InvalidProductCodeException' && productCode === undefined) {
      return { kind: 'bisect' };
    }
    return { kind: 'reject' };
  }
  // Anything unexplained: we cannot know whether it was applied. Stop, keep it resumable.
  return { kind: 'stop', status: 'Unknown' };
}

/** Identity of a record inside one call, to match AWS's echoed results back to our keys. */
export function recordFingerprint(record: WireRecord): string {
  const ts = record.Timestamp;
  const ms =
    ts instanceof Date
      ? ts.getTime()
      : typeof ts === 'string'
        ? Date.parse(ts)
        : typeof ts === 'number'
          ? ts
          : NaN;
  const str = (value: unknown): string => (typeof value === 'string' ? value : '');
  return JSON.stringify([
    str(record.CustomerIdentifier),
    str(record.CustomerAWSAccountId),
    str(record.LicenseArn),
    str(record.Dimension),
    ms,
    typeof record.Quantity === 'number' ? record.Quantity : 0,
  ]);
}

const utf8 = new TextEncoder();

/** Bytes a BatchMeterUsage request with these records takes on the wire (close upper bound). */
export function callBytes(records: readonly EngineRecord[], productCode?: string): number {
  let bytes = 40 + (productCode === undefined ? 0 : productCode.length + 20);
  for (const r of records) bytes += utf8.encode(JSON.stringify(r.record)).length + 1;
  return bytes;
}

function groupOf(record: EngineRecord): string {
  return `${record.productCode ?? ''}\n${record.group ?? record.productCode ?? ''}`;
}

/** One product or license set per call, ≤ 25 records, < 1 MB; order kept within a group. */
export function planCalls(records: readonly EngineRecord[]): EngineRecord[][] {
  const groups = new Map<string, EngineRecord[]>();
  for (const record of records) {
    const id = groupOf(record);
    const list = groups.get(id) ?? [];
    list.push(record);
    groups.set(id, list);
  }
  const calls: EngineRecord[][] = [];
  for (const list of groups.values()) {
    let current: EngineRecord[] = [];
    for (const record of list) {
      const next = [...current, record];
      if (
        current.length > 0 &&
        (next.length > MAX_RECORDS_PER_CALL ||
          callBytes(next, record.productCode) >= MAX_CALL_BYTES)
      ) {
        calls.push(current);
        current = [record];
      } else {
        current = next;
      }
    }
    if (current.length > 0) calls.push(current);
  }
  return calls;
}

// ------------------------------------------------------------------------------------------------
// Engine

type Job = {
  records: EngineRecord[];
  attempt: number;
  reason: 'first' | 'retry' | 'unprocessed' | 'bisect';
  /** Monotonic ms before which the job must not start (backoff). */
  notBefore: number;
  /** Retrying records whose previous answer was lost: must settle even after a cancel. */
  settling: boolean;
};

type KeyState = {
  record: EngineRecord;
  outcome: RecordOutcome;
  final: boolean;
};

const FINAL: ReadonlySet<OutcomeStatus> = new Set<OutcomeStatus>([
  'Success',
  'DuplicateRecord',
  'CustomerNotSubscribed',
  'Rejected',
  'DryRunPassed',
]);

function defaultId(): string {
  return `sub-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function createSubmissionEngine(options: EngineOptions): SubmissionEngine {
  const concurrency = Math.max(1, options.concurrency ?? 6);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 8);
  const baseMs = options.backoffBaseMs ?? 100;
  const throttleBaseMs = options.throttleBaseMs ?? 500;
  const capMs = options.backoffCapMs ?? 20_000;
  const random = options.random ?? Math.random;
  const newId = options.newId ?? defaultId;
  const { time } = options;

  type Run = {
    snapshot: () => SubmissionSnapshot;
    cancel: () => void;
    done: Promise<SubmissionSnapshot>;
  };
  const runs = new Map<string, Run>();
  const finished = new Map<string, SubmissionSnapshot>();

  function backoff(attempt: number, throttled: boolean): number {
    const base = throttled ? throttleBaseMs : baseMs;
    const ceiling = Math.min(capMs, base * 2 ** Math.max(0, attempt - 1));
    // Full jitter, with a floor so retries of a throttled storm never line up again at once.
    return ceiling / 2 + random() * (ceiling / 2);
  }

  async function submit(request: SubmitRequest): Promise<SubmissionHandle> {
    if (request.records.length === 0) {
      throw new AppError('VALIDATION', 'There are no records to submit.');
    }
    const seen = new Set<string>();
    for (const r of request.records) {
      if (seen.has(r.key)) {
        throw new AppError('VALIDATION', `Record key "${r.key}" appears twice in one submission.`);
      }
      seen.add(r.key);
    }
    const given: MeteringApi | undefined = request.api ?? options.api;
    if (given === undefined) {
      throw new AppError('INTERNAL', 'No metering API was given for this submission.');
    }
    const api: MeteringApi = given;
    const submissionId = newId();
    const dryRun = request.operation === 'MeterUsage' && request.dryRun === true;
    const pacerKey: PacerKey = { ...request.pacerKey, api: request.operation };
    const context = request.context;
    const calls =
      request.operation === 'MeterUsage'
        ? request.records.map((r) => [r])
        : (request.batches ?? planCalls(request.records));
    for (const call of calls) {
      if (request.operation === 'BatchMeterUsage' && call.length > MAX_RECORDS_PER_CALL) {
        throw new AppError('VALIDATION', 'A planned call holds more than 25 records.');
      }
    }

    // The whole plan is journaled first: a crash before a later call's intent still leaves
    // those records resumable instead of lost.
    if (!dryRun) {
      const groups = new Map<string, { productCode?: string; group?: string; keys: string[] }>();
      for (const r of request.records) {
        const id = groupOf(r);
        const g = groups.get(id) ?? {
          ...(r.productCode === undefined ? {} : { productCode: r.productCode }),
          ...(r.group === undefined ? {} : { group: r.group }),
          keys: [],
        };
        g.keys.push(r.key);
        groups.set(id, g);
      }
      await options.journal.append({
        kind: 'submission-started',
        submissionId,
        operation: request.operation,
        context,
        groups: [...groups.values()].map((g) => ({ ...g, records: g.keys.length })),
        totalRecords: request.records.length,
        planned: request.records.map((r) => ({ key: r.key, record: r.record })),
        ...(request.resendOf === undefined ? {} : { resendOf: request.resendOf }),
      });
    }

    const keys = new Map<string, KeyState>();
    for (const r of request.records) {
      keys.set(r.key, {
        record: r,
        outcome: { key: r.key, status: 'NotSent', attempts: 0 },
        final: false,
      });
    }
    const startedAt = time.now();
    let state: SubmissionState = 'running';
    let callCount = 0;
    let stopError: AppErrorShape | undefined;
    let finishedAt: number | undefined;
    const cancelCtl = new AbortController();
    const stopCtl = new AbortController();

    const queue: Job[] = calls.map((records) => ({
      records,
      attempt: 1,
      reason: 'first',
      notBefore: 0,
      settling: false,
    }));

    function counts(): SubmissionCounts {
      const c: SubmissionCounts = {
        success: 0,
        duplicate: 0,
        customerNotSubscribed: 0,
        rejected: 0,
        unprocessed: 0,
        unknown: 0,
        notSent: 0,
        dryRunPassed: 0,
      };
      for (const k of keys.values()) c[countFor[k.outcome.status]] += 1;
      return c;
    }

    function progress(): SubmissionProgressInfo {
      let done = 0;
      for (const k of keys.values()) if (k.final) done += 1;
      const elapsed = ((finishedAt ?? time.now()) - startedAt) / 1000;
      const rate = elapsed > 0.2 && done > 0 ? done / elapsed : null;
      const left = keys.size - done;
      return {
        submissionId,
        operation: request.operation,
        dryRun,
        ...(request.resendOf === undefined ? {} : { resendOf: request.resendOf }),
        state,
        total: keys.size,
        done,
        calls: callCount,
        counts: counts(),
        ratePerSecond: rate,
        secondsLeft: state !== 'running' ? 0 : rate === null ? null : left / rate,
        startedAt,
        ...(finishedAt === undefined ? {} : { finishedAt }),
        ...(stopError === undefined ? {} : { error: stopError }),
      };
    }

    function snapshot(): SubmissionSnapshot {
      return { ...progress(), outcomes: [...keys.values()].map((k) => ({ ...k.outcome })) };
    }

    function settle(outcomes: RecordOutcome[]): void {
      for (const o of outcomes) {
        const k = keys.get(o.key);
        if (!k || k.final) continue;
        k.outcome = o;
        k.final = FINAL.has(o.status);
      }
      options.onOutcomes?.(submissionId, outcomes);
      options.onProgress?.(progress());
    }

    function stop(error: AppError): void {
      if (stopError === undefined) stopError = error.toShape();
      stopCtl.abort(error);
    }

    function outcomeError(error: AppError): NonNullable<RecordOutcome['error']> {
      const name = awsDetails(error).name;
      return { code: error.code, message: error.message, ...(name ? { awsName: name } : {}) };
    }

    async function journalOutcome(
      callId: string,
      outcomes: RecordOutcome[],
      extra: { requestId?: string; httpStatus?: number; error?: AppError },
    ): Promise<void> {
      const entry: AppendableEntry = {
        kind: 'call-outcome',
        submissionId,
        callId,
        context,
        results: outcomes.map((o) => ({
          key: o.key,
          // NotSent/DryRunPassed never reach the journal; the rest are journal statuses.
          status: o.status as RecordStatus,
          ...(o.meteringRecordId === undefined ? {} : { meteringRecordId: o.meteringRecordId }),
          ...(o.error === undefined ? {} : { error: o.error }),
        })),
        ...(extra.requestId === undefined ? {} : { requestId: extra.requestId }),
        ...(extra.httpStatus === undefined ? {} : { httpStatus: extra.httpStatus }),
        ...(extra.error === undefined
          ? {}
          : {
              error: {
                code: extra.error.code,
                message: extra.error.message,
                ...awsErrorField(extra.error),
              },
            }),
      };
      await options.journal.append(entry);
    }

    function awsErrorField(error: AppError): { awsName?: string } {
      const name = awsDetails(error).name;
      return name ? { awsName: name } : {};
    }

    /** Runs one call (one attempt). Returns follow-up jobs. */
    async function runJob(job: Job): Promise<Job[]> {
      const callId = `${submissionId}.${(callCount += 1)}`;
      const productCode = job.records[0]?.productCode;
      const journalRecords: JournalRecord[] = job.records.map((r) => ({
        key: r.key,
        record: r.record,
      }));
      if (!dryRun) {
        try {
          await options.journal.append({
            kind: 'call-intent',
            submissionId,
            callId,
            context,
            attempt: job.attempt,
            operation: request.operation,
            ...(productCode === undefined ? {} : { productCode }),
            records: journalRecords,
            reason: job.reason,
            ...(job.records[0]?.group === undefined ? {} : { group: job.records[0].group }),
          });
        } catch (error) {
          // Not journaled means not sent.
          stop(
            new AppError(
              'INTERNAL',
              'The journal could not be written, so nothing more was sent.',
              {
                cause: error,
                details: { reason: error instanceof Error ? error.message : String(error) },
              },
            ),
          );
          return [job];
        }
      }
      const attempts = job.attempt;
      let outcomes: RecordOutcome[];
      const follow: Job[] = [];
      let extra: { requestId?: string; httpStatus?: number; error?: AppError } = {};
      try {
        if (request.operation === 'MeterUsage') {
          const only = job.records[0];
          if (!only) return [];
          try {
            const result = await api.meterUsage(only.record, { dryRun });
            outcomes = [
              {
                key: only.key,
                status: 'Success',
                meteringRecordId: result.meteringRecordId,
                ...(result.requestId === undefined ? {} : { requestId: result.requestId }),
                attempts,
              },
            ];
            extra = {
              ...(result.requestId === undefined ? {} : { requestId: result.requestId }),
              ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
            };
          } catch (caught) {
            const error = toAppError(caught);
            if (dryRun && awsDetails(error).name === 'DryRunOperation') {
              outcomes = [{ key: only.key, status: 'DryRunPassed', attempts }];
            } else {
              throw error;
            }
          }
        } else {
          const result = await api.batchMeterUsage({
            ...(productCode === undefined ? {} : { productCode }),
            records: job.records.map((r) => r.record),
          });
          extra = {
            ...(result.requestId === undefined ? {} : { requestId: result.requestId }),
            ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
          };
          // Match echoes to keys by content; identical records in one call match in order.
          const byPrint = new Map<string, EngineRecord[]>();
          for (const r of job.records) {
            const print = recordFingerprint(r.record);
            const list = byPrint.get(print) ?? [];
            list.push(r);
            byPrint.set(print, list);
          }
          const take = (record: WireRecord): EngineRecord | undefined =>
            byPrint.get(recordFingerprint(record))?.shift();
          outcomes = [];
          for (const res of result.results) {
            const mine = take(res.record);
            if (!mine) continue;
            const status: OutcomeStatus =
              res.status === 'Success' ||
              res.status === 'DuplicateRecord' ||
              res.status === 'CustomerNotSubscribed'
                ? res.status
                : 'Unknown';
            outcomes.push({
              key: mine.key,
              status,
              ...(res.meteringRecordId === undefined
                ? {}
                : { meteringRecordId: res.meteringRecordId }),
              ...(result.requestId === undefined ? {} : { requestId: result.requestId }),
              ...(status === 'DuplicateRecord'
                ? {
                    error: {
                      code: 'DuplicateRecord',
                      message:
                        'Already metered for this customer, dimension and hour with a different quantity; the first quantity stands.',
                    },
                  }
                : {}),
              ...(status === 'Unknown'
                ? { error: { code: 'INTERNAL', message: `Unexpected status ${res.status}` } }
                : {}),
              attempts,
            });
          }
          const unprocessed: EngineRecord[] = [];
          for (const rec of result.unprocessed) {
            const mine = take(rec);
            if (!mine) continue;
            unprocessed.push(mine);
            outcomes.push({ key: mine.key, status: 'Unprocessed', attempts });
          }
          // Anything AWS neither processed nor returned: we cannot say; settle by resending.
          const silent: EngineRecord[] = [];
          for (const list of byPrint.values()) {
            for (const r of list) {
              silent.push(r);
              outcomes.push({
                key: r.key,
                status: 'Unknown',
                error: { code: 'INTERNAL', message: 'AWS did not mention this record.' },
                attempts,
              });
            }
          }
          const again = [...unprocessed, ...silent];
          if (again.length > 0) {
            if (job.attempt >= maxAttempts) {
              stop(
                new AppError(
                  'AWS_UNAVAILABLE',
                  `AWS left ${again.length} record(s) unprocessed after ${job.attempt} attempts.`,
                  {
                    hint: 'Resume the submission from the Journal once AWS recovers; only these records are sent again.',
                    retryable: true,
                  },
                ),
              );
            } else {
              follow.push({
                records: again,
                attempt: job.attempt + 1,
                reason: 'unprocessed',
                notBefore: time.now() + backoff(job.attempt, false),
                settling: silent.length > 0 || job.settling,
              });
            }
          }
        }
      } catch (caught) {
        const error = toAppError(caught);
        const aws = awsDetails(error);
        extra = {
          ...(aws.requestId === undefined ? {} : { requestId: aws.requestId }),
          ...(aws.httpStatusCode === undefined ? {} : { httpStatus: aws.httpStatusCode }),
          error,
        };
        const verdict = classify(error, request.operation, productCode);
        const err = outcomeError(error);
        const all = (status: OutcomeStatus): RecordOutcome[] =>
          job.records.map((r) => ({ key: r.key, status, error: err, attempts }));
        switch (verdict.kind) {
          case 'retry':
            outcomes = all(verdict.status);
            if (job.attempt >= maxAttempts) {
              stop(
                new AppError(
                  error.code,
                  `${error.message} Gave up after ${job.attempt} attempts.`,
                  {
                    hint: 'Resume the submission from the Journal later; only the records without an answer are sent again.',
                    retryable: true,
                    details: error.details,
                  },
                ),
              );
            } else {
              follow.push({
                records: job.records,
                attempt: job.attempt + 1,
                reason: 'retry',
                notBefore: time.now() + backoff(job.attempt, verdict.throttled),
                settling: verdict.status === 'Unknown' || job.settling,
              });
            }
            break;
          case 'bisect':
            if (job.records.length > 1) {
              // Nothing of a rejected call was applied: both halves are fresh sends.
              outcomes = all('Unprocessed');
              const mid = Math.ceil(job.records.length / 2);
              for (const half of [job.records.slice(0, mid), job.records.slice(mid)]) {
                follow.push({
                  records: half,
                  attempt: job.attempt + 1,
                  reason: 'bisect',
                  notBefore: 0,
                  settling: job.settling,
                });
              }
            } else {
              outcomes = all('Rejected');
            }
            break;
          case 'reject':
            outcomes = all('Rejected');
            break;
          case 'final':
            outcomes = all(verdict.status);
            break;
          case 'stop':
            outcomes = all(verdict.status);
            stop(error);
            // An Unknown record must be settled on resume; an Unprocessed one is simply unsent.
            break;
        }
      }
      if (!dryRun) {
        try {
          await journalOutcome(callId, outcomes, extra);
        } catch (error) {
          stop(
            new AppError(
              'INTERNAL',
              'The journal could not be written, so nothing more was sent.',
              {
                cause: error,
              },
            ),
          );
        }
      }
      settle(outcomes);
      return follow;
    }

    // Workers idle here while other workers' calls may still add follow-up jobs.
    let waiters: (() => void)[] = [];
    const wake = (): void => {
      const list = waiters;
      waiters = [];
      for (const resolve of list) resolve();
    };
    let holding = 0;

    function nextJob(): Job | undefined {
      // After a cancel only calls that settle an unanswered earlier call may still go out.
      const index = cancelCtl.signal.aborted ? queue.findIndex((j) => j.settling) : 0;
      if (index < 0) return undefined;
      return queue.splice(index, 1)[0];
    }

    async function worker(): Promise<void> {
      for (;;) {
        if (stopCtl.signal.aborted) return;
        const job = nextJob();
        if (!job) {
          if (holding === 0) return;
          await new Promise<void>((resolve) => waiters.push(resolve));
          continue;
        }
        holding += 1;
        try {
          const signal = job.settling
            ? stopCtl.signal
            : AbortSignal.any([stopCtl.signal, cancelCtl.signal]);
          try {
            const wait = job.notBefore - time.now();
            if (wait > 0) await time.sleep(wait, signal);
            await options.pacer.acquire(pacerKey, signal);
          } catch {
            // Aborted while waiting: never sent; it stays in the queue for the final tally.
            queue.unshift(job);
            continue;
          }
          if (signal.aborted) {
            queue.unshift(job);
            continue;
          }
          const more = await runJob(job);
          // Follow-ups (retries, halves) go first: they hold records already under way.
          queue.unshift(...more);
        } finally {
          holding -= 1;
          wake();
        }
      }
    }

    const done = (async (): Promise<SubmissionSnapshot> => {
      options.onProgress?.(progress());
      await Promise.all(Array.from({ length: concurrency }, () => worker()));
      // The state flips only once the closing line is durable, so "finished" in the UI means
      // finished in the journal too.
      const ending: SubmissionState = stopCtl.signal.aborted
        ? 'stopped'
        : cancelCtl.signal.aborted
          ? 'cancelled'
          : 'finished';
      if (!dryRun && ending === 'cancelled') {
        await options.journal
          .append({
            kind: 'submission-cancelled',
            submissionId,
            context,
            reason: 'Cancelled by the user; records not sent were left out.',
          })
          .catch(() => undefined);
      } else if (!dryRun && ending === 'finished') {
        const c = counts();
        await options.journal
          .append({
            kind: 'submission-finished',
            submissionId,
            context,
            counts: {
              success: c.success,
              duplicate: c.duplicate,
              customerNotSubscribed: c.customerNotSubscribed,
              rejected: c.rejected,
              unprocessed: c.unprocessed + c.unknown + c.notSent,
            },
          })
          .catch(() => undefined);
      }
      finishedAt = time.now();
      state = ending;
      const final = snapshot();
      runs.delete(submissionId);
      finished.set(submissionId, final);
      // Only the latest few stay in memory; the journal holds every one.
      for (const old of finished.keys()) {
        if (finished.size <= 20) break;
        finished.delete(old);
      }
      options.onProgress?.(progress());
      return final;
    })();

    runs.set(submissionId, {
      snapshot,
      cancel: () => cancelCtl.abort(new AppError('CANCELLED', 'Cancelled by the user.')),
      done,
    });
    return { submissionId, done };
  }

  return {
    submit,
    cancel(submissionId) {
      const run = runs.get(submissionId);
      if (!run) return false;
      run.cancel();
      return true;
    },
    status: (submissionId) => runs.get(submissionId)?.snapshot() ?? finished.get(submissionId),
    running: () => [...runs.keys()],
  };
}
