// The submission engine: sends metering records to AWS so that every record is billed exactly
// once or clearly reported, whatever crashes, throttles or fails. Pure over ports (the metering
// API, the journal, the pacer, time), so tests drive it with fakes or the sandbox alike.
//
// Each record moves planned → sent → answered | unknown → settled | parked (run.ts), and every
// move is journaled first (transitions.ts): a call's intent is appended and fsynced before the
// call leaves, its outcome after. Retries are the engine's own (the SDK client has maxAttempts
// 1), so every attempt is journaled and paced.
//
// What happens to a call that gets no final answer (call.ts, classify.ts):
// - throttling: the pacer slows down (AIMD) and the call is retried with backoff;
// - 5xx / network / lost answer: retried with backoff; those records are journaled `Unknown`
//   (resending the identical record is safe: AWS deduplicates per customer, dimension and hour);
// - UnprocessedRecords: resubmitted unchanged, with backoff;
// - after the allowed tries a record is parked ("Unprocessed, retry later") and the rest goes on;
// - a request-level rejection that one record can cause: the batch is bisected until the bad
//   records stand alone (and are `Rejected`) and the rest is sent;
// - credentials expired/invalid, access denied: no further call starts; the submission stays
//   open in the journal (resumable), nothing is marked as sent that was not.
import { AppError } from '../../../shared/errors';
import { startRun, type Run } from './run';
import { createSubmissionJournal } from './transitions';
import type {
  EngineOptions,
  MeteringApi,
  SubmissionEngine,
  SubmissionHandle,
  SubmissionSnapshot,
  SubmitRequest,
} from './engine-types';
import { MAX_RECORDS_PER_CALL, planCalls, type EngineRecord } from './wire';

export type * from './engine-types';
export {
  callBytes,
  MAX_CALL_BYTES,
  MAX_RECORDS_PER_CALL,
  planCalls,
  recordFingerprint,
  type EngineRecord,
  type WireRecord,
} from './wire';

function defaultId(): string {
  return `sub-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The request's calls, checked against AWS's limits; throws before anything is journaled. */
function callsOf(request: SubmitRequest): EngineRecord[][] {
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
  const calls =
    request.operation === 'MeterUsage'
      ? request.records.map((r) => [r])
      : (request.batches ?? planCalls(request.records));
  if (
    request.operation === 'BatchMeterUsage' &&
    calls.some((call) => call.length > MAX_RECORDS_PER_CALL)
  ) {
    throw new AppError('VALIDATION', 'A planned call holds more than 25 records.');
  }
  return calls;
}

export function createSubmissionEngine(options: EngineOptions): SubmissionEngine {
  const random = options.random ?? Math.random;
  const capMs = options.backoffCapMs ?? 20_000;
  const policy = {
    concurrency: Math.max(1, options.concurrency ?? 6),
    maxAttempts: Math.max(1, options.maxAttempts ?? 8),
    maxThrottledAttempts: Math.max(1, options.maxThrottledAttempts ?? 30),
    transient: { baseMs: options.backoffBaseMs ?? 100, capMs, random },
    throttle: { baseMs: options.throttleBaseMs ?? 500, capMs, random },
  };
  const newId = options.newId ?? defaultId;
  const runs = new Map<string, Run>();
  const finished = new Map<string, SubmissionSnapshot>();

  async function submit(request: SubmitRequest): Promise<SubmissionHandle> {
    const calls = callsOf(request);
    const api: MeteringApi | undefined = request.api ?? options.api;
    if (api === undefined) {
      throw new AppError('INTERNAL', 'No metering API was given for this submission.');
    }
    const submissionId = request.submissionId ?? newId();
    if (runs.has(submissionId) || finished.has(submissionId)) {
      throw new AppError('CONFLICT', `Submission ${submissionId} already exists.`);
    }
    const dryRun = request.operation === 'MeterUsage' && request.dryRun === true;
    const journal = createSubmissionJournal(options.journal, {
      submissionId,
      context: request.context,
      operation: request.operation,
    });
    // The whole plan is journaled first: a crash before a later call's intent still leaves
    // those records resumable instead of lost.
    if (!dryRun) {
      await journal.write({
        to: 'planned',
        records: request.records,
        ...(request.resendOf === undefined ? {} : { resendOf: request.resendOf }),
        ...(request.planId === undefined ? {} : { planId: request.planId }),
      });
    }
    const run = startRun({
      submissionId,
      request,
      calls,
      api,
      journal,
      pacer: options.pacer,
      time: options.time,
      policy,
      events: options,
    });
    runs.set(submissionId, run);
    const done = run.done.then((final) => {
      runs.delete(submissionId);
      finished.set(submissionId, final);
      // Only the latest few stay in memory; the journal holds every one.
      for (const old of finished.keys()) {
        if (finished.size <= 20) break;
        finished.delete(old);
      }
      options.onProgress?.(run.progress());
      return final;
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
