// One submission in flight: the records' state machine and the calls that move it.
//   planned → sent → answered | unknown → settled | parked
// Workers take calls from a queue, each paced and journaled (services/metering/transitions.ts)
// before it leaves. A record AWS did not answer is sent again (a retry is a move back to
// `sent`), with backoff; after the allowed tries it is parked ("retry later") and the rest goes
// on. Throttling slows the pacer down; only credentials and access denial stop every call.
import { AppError, type AppErrorShape } from '../../../shared/errors';
import { backoffDelay, type BackoffPolicy } from '../backoff';
import type { Pacer, PacerKey } from '../pacing';
import { sendCall, type CallAnswer } from './call';
import type {
  EngineEvents,
  EngineTime,
  MeteringApi,
  OutcomeStatus,
  RecordOutcome,
  SubmissionCounts,
  SubmissionProgressInfo,
  SubmissionSnapshot,
  SubmissionState,
  SubmitRequest,
} from './engine-types';
import type { CallReason, SubmissionJournal } from './transitions';
import type { EngineRecord } from './wire';

export type RunPolicy = {
  concurrency: number;
  maxAttempts: number;
  maxThrottledAttempts: number;
  transient: BackoffPolicy;
  throttle: BackoffPolicy;
};

export type RunConfig = {
  submissionId: string;
  request: SubmitRequest;
  calls: EngineRecord[][];
  api: MeteringApi;
  journal: SubmissionJournal;
  pacer: Pacer;
  time: EngineTime;
  policy: RunPolicy;
  events: EngineEvents;
};

type Phase = 'planned' | 'sent' | 'answered' | 'unknown' | 'settled' | 'parked';

type KeyState = { record: EngineRecord; phase: Phase; outcome: RecordOutcome };

type Job = {
  records: EngineRecord[];
  /** Journal attempt number: 1 for the first send, +1 for each resend. */
  attempt: number;
  /** Failed sends that were not throttles (parked after maxAttempts). */
  tries: number;
  throttles: number;
  reason: CallReason;
  /** Monotonic ms before which the job must not start (backoff). */
  notBefore: number;
  /** Records whose previous answer was lost: must settle even after a cancel. */
  settling: boolean;
};

const FINAL: ReadonlySet<OutcomeStatus> = new Set<OutcomeStatus>([
  'Success',
  'DuplicateRecord',
  'CustomerNotSubscribed',
  'Rejected',
  'DryRunPassed',
  'WindowClosed',
]);

/** Which counter each record adds to. */
const countFor = {
  Success: 'success',
  DuplicateRecord: 'duplicate',
  CustomerNotSubscribed: 'customerNotSubscribed',
  Rejected: 'rejected',
  Unprocessed: 'unprocessed',
  Unknown: 'unknown',
  NotSent: 'notSent',
  DryRunPassed: 'dryRunPassed',
  WindowClosed: 'windowClosed',
} as const satisfies Record<OutcomeStatus, keyof SubmissionCounts>;

function phaseOf(outcome: RecordOutcome): Phase {
  if (outcome.parked === true) return 'parked';
  if (FINAL.has(outcome.status)) return 'settled';
  if (outcome.status === 'Unknown') return 'unknown';
  return outcome.status === 'Unprocessed' ? 'answered' : 'planned';
}

export type Run = {
  snapshot: () => SubmissionSnapshot;
  progress: () => SubmissionProgressInfo;
  cancel: () => void;
  done: Promise<SubmissionSnapshot>;
};

const journalFailed = (cause: unknown): AppError =>
  new AppError('INTERNAL', 'The journal could not be written, so nothing more was sent.', {
    cause,
    details: { reason: cause instanceof Error ? cause.message : String(cause) },
  });

function emptyCounts(): SubmissionCounts {
  return {
    success: 0,
    duplicate: 0,
    customerNotSubscribed: 0,
    rejected: 0,
    unprocessed: 0,
    unknown: 0,
    notSent: 0,
    dryRunPassed: 0,
    parked: 0,
    windowClosed: 0,
  };
}

/** One submission's records, queue and workers. */
class SubmissionRun {
  private readonly keys = new Map<string, KeyState>();
  private readonly queue: Job[];
  private readonly pacerKey: PacerKey;
  private readonly dryRun: boolean;
  private readonly startedAt: number;
  private readonly cancelCtl = new AbortController();
  private readonly stopCtl = new AbortController();
  private state: SubmissionState = 'running';
  private callCount = 0;
  private stopError: AppErrorShape | undefined;
  private finishedAt: number | undefined;
  /** Workers idle here while other workers' calls may still add follow-up jobs. */
  private waiters: (() => void)[] = [];
  private holding = 0;

  constructor(private readonly config: RunConfig) {
    const { request } = config;
    this.dryRun = request.operation === 'MeterUsage' && request.dryRun === true;
    this.pacerKey = { ...request.pacerKey, api: request.operation };
    for (const r of request.records) {
      this.keys.set(r.key, {
        record: r,
        phase: 'planned',
        outcome: { key: r.key, status: 'NotSent', attempts: 0 },
      });
    }
    this.startedAt = config.time.now();
    this.queue = config.calls.map((records) => ({
      records,
      attempt: 1,
      tries: 1,
      throttles: 0,
      reason: 'first',
      notBefore: 0,
      settling: false,
    }));
  }

  counts(): SubmissionCounts {
    const c = emptyCounts();
    for (const k of this.keys.values()) {
      if (k.phase === 'parked') c.parked += 1;
      else c[countFor[k.outcome.status]] += 1;
    }
    return c;
  }

  progress(): SubmissionProgressInfo {
    const { request, submissionId, time } = this.config;
    let done = 0;
    for (const k of this.keys.values())
      if (k.phase === 'settled' || k.phase === 'parked') done += 1;
    const elapsed = ((this.finishedAt ?? time.now()) - this.startedAt) / 1000;
    const rate = elapsed > 0.2 && done > 0 ? done / elapsed : null;
    const left = this.keys.size - done;
    return {
      submissionId,
      operation: request.operation,
      dryRun: this.dryRun,
      ...(request.resendOf === undefined ? {} : { resendOf: request.resendOf }),
      state: this.state,
      total: this.keys.size,
      done,
      calls: this.callCount,
      counts: this.counts(),
      ratePerSecond: rate,
      secondsLeft: this.state !== 'running' ? 0 : rate === null ? null : left / rate,
      startedAt: this.startedAt,
      ...(this.finishedAt === undefined ? {} : { finishedAt: this.finishedAt }),
      ...(this.stopError === undefined ? {} : { error: this.stopError }),
    };
  }

  snapshot(): SubmissionSnapshot {
    return {
      ...this.progress(),
      outcomes: [...this.keys.values()].map((k) => ({ ...k.outcome })),
    };
  }

  cancel(): void {
    this.cancelCtl.abort(new AppError('CANCELLED', 'Cancelled by the user.'));
  }

  /** Moves records to the state their outcome says; a settled record never moves again. */
  private move(outcomes: readonly RecordOutcome[]): void {
    for (const o of outcomes) {
      const k = this.keys.get(o.key);
      if (!k || k.phase === 'settled') continue;
      k.outcome = o;
      k.phase = phaseOf(o);
    }
    this.config.events.onOutcomes?.(this.config.submissionId, [...outcomes]);
    this.config.events.onProgress?.(this.progress());
  }

  private stop(error: AppError): void {
    if (this.stopError === undefined) this.stopError = error.toShape();
    this.stopCtl.abort(error);
  }

  /** Records AWS would refuse for their hour are settled here instead of being sent. */
  private async dropClosedWindows(job: Job): Promise<EngineRecord[]> {
    const check = this.config.request.windowClosed;
    if (check === undefined) return job.records;
    const closed = job.records.filter((r) => check(r));
    if (closed.length === 0) return job.records;
    if (!this.dryRun) {
      await this.config.journal.write({
        to: 'settled',
        records: closed.map((r) => ({ key: r.key, settlement: 'window-closed' })),
        reason:
          'AWS no longer accepts usage for this hour; not sent. Check CloudTrail for an earlier send.',
      });
    }
    this.move(
      closed.map((r) => ({
        key: r.key,
        status: 'WindowClosed',
        attempts: this.keys.get(r.key)?.outcome.attempts ?? 0,
        error: { code: 'WINDOW_CLOSED', message: 'Window closed; check CloudTrail.' },
      })),
    );
    return job.records.filter((r) => !check(r));
  }

  /** What follows an answer: records to send again (with backoff) and records to park. */
  private followUps(job: Job, answer: CallAnswer): { again: Job[]; parked: RecordOutcome[] } {
    const { policy, time } = this.config;
    if (answer.stop !== undefined) return { again: [], parked: [] };
    if (answer.bisect) {
      const mid = Math.ceil(job.records.length / 2);
      const halves = [job.records.slice(0, mid), job.records.slice(mid)];
      return {
        again: halves.map((records) => ({
          ...job,
          records,
          attempt: job.attempt + 1,
          reason: 'bisect',
          notBefore: 0,
        })),
        parked: [],
      };
    }
    const open = answer.outcomes.filter(
      (o) => o.status === 'Unprocessed' || o.status === 'Unknown',
    );
    if (open.length === 0) return { again: [], parked: [] };
    const throttles = job.throttles + (answer.throttled ? 1 : 0);
    const tries = job.tries + (answer.throttled ? 0 : 1);
    if (tries > policy.maxAttempts || throttles >= policy.maxThrottledAttempts) {
      return { again: [], parked: open.map((o) => ({ ...o, parked: true })) };
    }
    const openKeys = new Set(open.map((o) => o.key));
    const delay = backoffDelay(
      answer.throttled ? throttles : tries - 1,
      answer.throttled ? policy.throttle : policy.transient,
    );
    const again: Job = {
      records: job.records.filter((r) => openKeys.has(r.key)),
      attempt: job.attempt + 1,
      tries,
      throttles,
      reason: answer.error === undefined ? 'unprocessed' : 'retry',
      notBefore: time.now() + delay,
      settling: job.settling || open.some((o) => o.status === 'Unknown'),
    };
    return { again: [again], parked: [] };
  }

  /** Journals the answer (and any parking) before the records move. */
  private async journalAnswer(
    callId: string,
    job: Job,
    answer: CallAnswer,
    parked: readonly RecordOutcome[],
  ): Promise<void> {
    if (this.dryRun) return;
    await this.config.journal.write({
      to: 'answered',
      callId,
      outcomes: answer.outcomes,
      ...(answer.requestId === undefined ? {} : { requestId: answer.requestId }),
      ...(answer.httpStatus === undefined ? {} : { httpStatus: answer.httpStatus }),
      ...(answer.error === undefined ? {} : { error: answer.error }),
    });
    if (parked.length > 0) {
      await this.config.journal.write({
        to: 'parked',
        outcomes: parked,
        reason: `No answer after ${job.attempt} attempts: Unprocessed, retry later.`,
      });
    }
  }

  /** One call: intent, the call, its answer, what follows. Returns the follow-up calls. */
  private async runJob(job: Job): Promise<Job[]> {
    const { config } = this;
    let records: EngineRecord[];
    try {
      records = await this.dropClosedWindows(job);
    } catch (error) {
      this.stop(journalFailed(error));
      return [job];
    }
    if (records.length === 0) return [];
    const sending: Job = { ...job, records };
    this.callCount += 1;
    const callId = `${config.submissionId}.${this.callCount}`;
    if (!this.dryRun) {
      try {
        await config.journal.write({
          to: 'sent',
          callId,
          attempt: job.attempt,
          reason: job.reason,
          records,
        });
      } catch (error) {
        // Not journaled means not sent.
        this.stop(journalFailed(error));
        return [sending];
      }
      for (const r of records) {
        const k = this.keys.get(r.key);
        if (k && k.phase !== 'settled') k.phase = 'sent';
      }
    }
    const answer = await sendCall(
      config.api,
      config.request.operation,
      records,
      job.attempt,
      this.dryRun,
    );
    config.pacer.feedback?.(this.pacerKey, answer.throttled ? 'throttled' : 'accepted');
    const next = this.followUps(sending, answer);
    try {
      await this.journalAnswer(callId, job, answer, next.parked);
    } catch (error) {
      this.stop(journalFailed(error));
    }
    if (answer.stop !== undefined) this.stop(answer.stop);
    const parkedKeys = new Set(next.parked.map((o) => o.key));
    this.move([...answer.outcomes.filter((o) => !parkedKeys.has(o.key)), ...next.parked]);
    return next.again;
  }

  private wake(): void {
    const list = this.waiters;
    this.waiters = [];
    for (const resolve of list) resolve();
  }

  private nextJob(): Job | undefined {
    // After a cancel only calls that settle an unanswered earlier call may still go out.
    const index = this.cancelCtl.signal.aborted ? this.queue.findIndex((j) => j.settling) : 0;
    if (index < 0) return undefined;
    return this.queue.splice(index, 1)[0];
  }

  private async waitTurn(job: Job): Promise<boolean> {
    const signal = job.settling
      ? this.stopCtl.signal
      : AbortSignal.any([this.stopCtl.signal, this.cancelCtl.signal]);
    try {
      const wait = job.notBefore - this.config.time.now();
      if (wait > 0) await this.config.time.sleep(wait, signal);
      await this.config.pacer.acquire(this.pacerKey, signal);
    } catch {
      return false;
    }
    return !signal.aborted;
  }

  private async worker(): Promise<void> {
    for (;;) {
      if (this.stopCtl.signal.aborted) return;
      const job = this.nextJob();
      if (!job) {
        if (this.holding === 0) return;
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      this.holding += 1;
      try {
        if (!(await this.waitTurn(job))) {
          // Aborted while waiting: never sent; it stays in the queue for the final tally.
          this.queue.unshift(job);
          continue;
        }
        // Follow-ups (retries, halves) go first: they hold records already under way.
        this.queue.unshift(...(await this.runJob(job)));
      } finally {
        this.holding -= 1;
        this.wake();
      }
    }
  }

  async finish(): Promise<SubmissionSnapshot> {
    this.config.events.onProgress?.(this.progress());
    await Promise.all(Array.from({ length: this.config.policy.concurrency }, () => this.worker()));
    // The state flips only once the closing line is durable, so "finished" in the UI means
    // finished in the journal too.
    const ending: SubmissionState = this.stopCtl.signal.aborted
      ? 'stopped'
      : this.cancelCtl.signal.aborted
        ? 'cancelled'
        : 'finished';
    if (!this.dryRun && ending !== 'stopped') {
      await this.config.journal
        .write(
          ending === 'cancelled' ? { to: 'cancelled' } : { to: 'finished', counts: this.counts() },
        )
        .catch(() => undefined);
    }
    this.finishedAt = this.config.time.now();
    this.state = ending;
    // The engine reports the final progress once the run is no longer listed as running.
    return this.snapshot();
  }
}

export function startRun(config: RunConfig): Run {
  const run = new SubmissionRun(config);
  return {
    snapshot: () => run.snapshot(),
    progress: () => run.progress(),
    cancel: () => run.cancel(),
    done: run.finish(),
  };
}
