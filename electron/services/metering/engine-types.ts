// The submission engine's ports, input and outcome types.
import type { AppErrorShape } from '../../../shared/errors';
import type { JournalContext, JournalOperation, RecordStatus } from '../../../shared/journal';
import type { Journal } from '../journal/journal';
import type { Pacer, PacerKey, Sleep } from '../pacing';
import type { EngineRecord, WireRecord } from './wire';

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

export type SubmitRequest = {
  /** The id to journal it under (default: a new one from the engine's newId). */
  submissionId?: string;
  operation: JournalOperation;
  records: EngineRecord[];
  context: JournalContext;
  /** Account and region the pacer keys on (AWS quotas are per account and region). */
  pacerKey: Omit<PacerKey, 'api'>;
  /** MeterUsage only: checks permissions; nothing is metered and nothing is journaled. */
  dryRun?: boolean;
  /** The interrupted submission these records are resent for. */
  resendOf?: string;
  /** The preview this submission sends (journaled with it). */
  planId?: string;
  /**
   * Precomputed calls (e.g. from the input side's planner): each inner list is one call. When
   * absent, the engine groups and chunks itself. Either way no call exceeds the AWS limits.
   */
  batches?: EngineRecord[][];
  /** The API for this submission's connection and region (else the engine's default). */
  api?: MeteringApi;
  /**
   * Checked before every call: a record AWS would refuse for its time (the acceptance window
   * closed) is not sent but settled as WindowClosed, so no call is spent bisecting it out.
   */
  windowClosed?: (record: EngineRecord) => boolean;
};

export type OutcomeStatus = RecordStatus | 'NotSent' | 'DryRunPassed' | 'WindowClosed';

export type RecordOutcome = {
  key: string;
  status: OutcomeStatus;
  meteringRecordId?: string;
  /** The buyer's account id AWS echoed beside the CustomerIdentifier the record was sent under. */
  customerAwsAccountId?: string;
  requestId?: string;
  /** Why: the AWS error for Rejected/Unknown/Unprocessed, or a note for DuplicateRecord. */
  error?: { code: string; message: string; awsName?: string };
  attempts: number;
  /** Tried the allowed number of times without an answer: left for a later resume. */
  parked?: boolean;
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
  /** Unprocessed or Unknown after the allowed tries: "retry later" (resumable). */
  parked: number;
  /** Not sent because AWS no longer accepts their hour. */
  windowClosed: number;
};

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
  /** Why the submission stopped early (credentials, access…). */
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
  /**
   * Attempts per record for transient failures (5xx, lost answers, UnprocessedRecords) before
   * it is parked as "retry later" and the rest of the submission goes on.
   */
  maxAttempts?: number;
  /** Throttled attempts per record before it is parked; the pacer slows down meanwhile. */
  maxThrottledAttempts?: number;
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
