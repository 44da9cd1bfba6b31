// The submission side of the app as one service: submits a previewed plan (once), raw records
// (dry runs and the Sandbox), and resumes; holds the in-flight lock per record; keeps the journal
// read into rows for the Journal screen. Every path that bills goes through the billing guard
// port before anything is journaled. Pure over ports; electron/main/wiring/submission.ts wires it.
import type {
  BillingConfirmation,
  BillingPreview,
  BillingTarget,
} from '../../../shared/billing-confirmation';
import { billingConfirmationRequired } from '../../../shared/billing-confirmation';
import type {
  ResumePreview,
  SubmissionProgressView,
  SubmissionStatus,
  RecordOutcomeView,
} from '../../../shared/channels/metering-submit';
import type { ConnectionSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { JournalContext, JournalOperation } from '../../../shared/journal';
import type { Product, UsageRecord } from '../../../shared/metering';
import type { BillingPlan } from '../billing/guard';
import { noBilledLookup, type BilledLookup } from '../billed-lookup';
import type { ArchivedJournal, Journal } from '../journal/journal';
import { buildIndex, type JournalIndex } from '../journal/query';
import { resumeBillingPlan, submissionBillingPlan } from './billing-plan';
import { createSubmissionEngine } from './engine';
import type {
  EngineOptions,
  MeteringApi,
  SubmissionEngine,
  SubmissionProgressInfo,
  SubmissionSnapshot,
} from './engine-types';
import { createInFlightLock } from './in-flight';
import type { StoredPlan } from './plan';
import { prepareRecords } from './prepare';
import { decideResume, planResume, type ResumeDecision } from './resume';
import { outcomeView, progressView, type SubmissionMeta } from './submission-views';
import { windowClosed } from './window';
import { dedupKeyOf, planCalls, type EngineRecord } from './wire';

export type BillingGuardPort = {
  target: (connectionId?: string, region?: string) => Promise<BillingTarget>;
  preview: (plan: BillingPlan) => BillingPreview;
  /** Throws CONFIRMATION_REQUIRED unless the plan may be sent as confirmed. */
  require: (plan: BillingPlan, confirmation: BillingConfirmation | undefined) => void;
};

export type SubmissionEvents = {
  /** The journal gained lines (or a submission's state changed). */
  changed: (submissionId?: string) => void;
  outcomes: (submissionId: string, outcomes: RecordOutcomeView[]) => void;
  progress: (view: SubmissionProgressView, info: SubmissionProgressInfo) => void;
  ended: (final: SubmissionSnapshot) => void;
};

export type SubmissionServiceDeps = {
  journal: Journal;
  /** Pacing, time and tuning of the engine (the service adds the journal and its events). */
  engine: Omit<EngineOptions, 'journal' | 'api' | 'onOutcomes' | 'onProgress'>;
  connections: {
    active: () => ConnectionSummary | null;
    get: (id: string) => ConnectionSummary;
  };
  /** A metering client for one connection and region, released when the submission ends. */
  meteringApi: (connectionId: string, region: string) => { api: MeteringApi; close: () => void };
  guard: BillingGuardPort;
  /** Wall clock (epoch ms): acceptance windows and journal times. */
  now: () => number;
  osUser: string;
  newSubmissionId: () => string;
  newClientToken: () => string;
  events: SubmissionEvents;
};

export type SubmitOptions = {
  dryRun?: boolean;
  confirmation?: BillingConfirmation;
  /**
   * For main-side callers that have required the billing guard for exactly these records
   * themselves (a correction's top-ups, confirmed with its refunds): not a channel option.
   */
  alreadyGuarded?: boolean;
};
export type Started = { submissionId: string; total: number };

function activeConnection(deps: SubmissionServiceDeps): ConnectionSummary {
  const active = deps.connections.active();
  if (!active) {
    throw new AppError('CREDENTIALS_MISSING', 'No connection is active.', {
      hint: 'Choose a connection in the top bar.',
    });
  }
  return active;
}

type Target = { id: string; name: string; accountId?: string | undefined; region: string };
type StartExtra = {
  dryRun?: boolean;
  resendOf?: string;
  batches?: EngineRecord[][];
  planId?: string;
};

/** The unresolved record as the resume preview lists it. */
function resumeRecordView(
  meta: SubmissionMeta,
  d: ResumeDecision,
): ResumePreview['records'][number] {
  const shown: Partial<RecordOutcomeView> = outcomeView(meta, {
    key: d.record.key,
    status: 'NotSent',
    attempts: 0,
  });
  delete shown.status;
  delete shown.attempts;
  return {
    ...shown,
    key: d.record.key,
    lastStatus: d.record.lastStatus,
    ...(d.record.parked === true ? { parked: true } : {}),
    disposition: d.disposition,
    ...(d.evidence === undefined ? {} : { eventId: d.evidence.eventId }),
    ...(d.evidence?.meteringRecordId === undefined
      ? {}
      : { meteringRecordId: d.evidence.meteringRecordId }),
  };
}

/** The settlement line for the records a resume closes without a call. */
function settledRecords(decisions: readonly ResumeDecision[]) {
  return decisions.flatMap((d) =>
    d.disposition === 'resend'
      ? []
      : [
          {
            key: d.record.key,
            settlement: d.disposition,
            ...(d.evidence === undefined
              ? {}
              : {
                  quantity: d.evidence.quantity,
                  eventId: d.evidence.eventId,
                  eventTime: d.evidence.eventTime,
                  ...(d.evidence.meteringRecordId === undefined
                    ? {}
                    : { meteringRecordId: d.evidence.meteringRecordId }),
                }),
          },
        ],
  );
}

class Submissions {
  private readonly lock = createInFlightLock();
  /** planId → the submission that sent it ('starting' while it is being started). */
  private readonly submittedPlans = new Map<string, string>();
  private readonly metas = new Map<string, SubmissionMeta>();
  private readonly engine: SubmissionEngine;
  private billedLookup: BilledLookup = noBilledLookup;
  private version = 0;
  private cached: { version: number; index: Promise<JournalIndex> } | undefined;

  constructor(private readonly deps: SubmissionServiceDeps) {
    this.engine = createSubmissionEngine({
      ...deps.engine,
      journal: deps.journal,
      onOutcomes: (submissionId, outcomes) => {
        this.changed(submissionId);
        const meta = this.metas.get(submissionId);
        deps.events.outcomes(
          submissionId,
          outcomes.map((o) => outcomeView(meta, o)),
        );
      },
      onProgress: (progress) => {
        const meta = this.metas.get(progress.submissionId);
        deps.events.progress(progressView(meta, progress, deps.now()), progress);
        if (progress.state !== 'running') this.changed(progress.submissionId);
      },
    });
  }

  get journal(): Journal {
    return this.deps.journal;
  }

  private changed(submissionId?: string): void {
    this.version += 1;
    this.deps.events.changed(submissionId);
  }

  /** Starts the engine on a connection with the in-flight lock held for its records. */
  private async start(
    operation: JournalOperation,
    records: EngineRecord[],
    connection: Target,
    extra: StartExtra,
  ): Promise<Started> {
    const { deps } = this;
    const submissionId = deps.newSubmissionId();
    const dryRun = extra.dryRun === true;
    // A dry run meters nothing, so it never competes for a record.
    if (!dryRun)
      this.lock.take(
        submissionId,
        records.map((r) => dedupKeyOf(operation, r)),
      );
    const { api, close } = deps.meteringApi(connection.id, connection.region);
    const account = connection.accountId ?? '';
    const context: JournalContext = {
      connectionId: connection.id,
      connectionName: connection.name,
      account,
      region: connection.region,
      osUser: deps.osUser,
    };
    this.metas.set(submissionId, {
      startedWall: deps.now(),
      connection: { id: connection.id, name: connection.name, account, region: connection.region },
      records: new Map(records.map((r) => [r.key, r])),
    });
    const release = (): void => {
      this.lock.release(submissionId);
      close();
    };
    let done: Promise<SubmissionSnapshot>;
    try {
      ({ done } = await this.engine.submit({
        submissionId,
        operation,
        records,
        context,
        api,
        pacerKey: { accountId: account || connection.id, region: connection.region },
        windowClosed: (record) => windowClosed(operation, record, deps.now()),
        ...(dryRun ? { dryRun } : {}),
        ...(extra.resendOf === undefined ? {} : { resendOf: extra.resendOf }),
        ...(extra.batches === undefined ? {} : { batches: extra.batches }),
        ...(extra.planId === undefined ? {} : { planId: extra.planId }),
      }));
    } catch (error) {
      release();
      this.metas.delete(submissionId);
      throw error;
    }
    this.changed(submissionId);
    // The run's last journal line (finished or cancelled) is written after its last progress:
    // the views are told once more when the run has ended, so none keeps an index without it.
    void done.then(
      (final) => {
        release();
        this.changed(submissionId);
        deps.events.ended(final);
        this.forgetOldMetas();
      },
      () => {
        release();
        this.changed(submissionId);
      },
    );
    return { submissionId, total: records.length };
  }

  /** Keeps the last few for status; the journal has the rest. */
  private forgetOldMetas(): void {
    while (this.metas.size > 30) {
      const oldest = this.metas.keys().next().value;
      if (oldest === undefined || this.engine.running().includes(oldest)) break;
      this.metas.delete(oldest);
    }
  }

  private refuseResubmit(planId: string): void {
    const earlier = this.submittedPlans.get(planId);
    if (earlier === undefined) return;
    throw new AppError(
      'PLAN_ALREADY_SUBMITTED',
      `This preview was already submitted (${earlier}); nothing was sent again.`,
      {
        hint: 'Its progress and outcomes are in the Journal. Preview again to send new records.',
        details: { submissionId: earlier },
      },
    );
  }

  /** A previewed plan, exactly as previewed, once; on a real connection only as confirmed. */
  async submitPlan(
    stored: StoredPlan,
    catalog: readonly Product[],
    options: SubmitOptions,
  ): Promise<Started> {
    const { deps } = this;
    this.refuseResubmit(stored.planId);
    const active = deps.connections.active();
    if (!active || active.id !== stored.connectionId) {
      throw new AppError(
        'CONFLICT',
        'The active connection changed since the preview; nothing was sent.',
        { hint: 'Preview again on the connection you mean to bill.' },
      );
    }
    const operations = new Set(stored.records.map((r) => r.operation));
    const [operation] = operations;
    if (operation === undefined || operations.size > 1) {
      throw new AppError(
        'VALIDATION',
        'Submit SaaS (BatchMeterUsage) and AMI/container (MeterUsage) usage separately.',
      );
    }
    if (options.dryRun !== true) {
      const target = await deps.guard.target(stored.connectionId);
      const plan = submissionBillingPlan(target, stored.records, stored.plan);
      deps.guard.require(plan, options.confirmation);
    }
    // Checked again after the await: a double click cannot start a second submission.
    this.refuseResubmit(stored.planId);
    this.submittedPlans.set(stored.planId, 'starting');
    try {
      const prepared = prepareRecords(operation, stored.records, catalog, {
        now: deps.now(),
        newClientToken: deps.newClientToken,
        calls: stored.plan.calls.map((c) => c.recordIndexes),
        dryRun: options.dryRun === true,
      });
      const started = await this.start(operation, prepared.records, active, {
        ...(options.dryRun === true ? { dryRun: true } : {}),
        ...(prepared.batches === undefined ? {} : { batches: prepared.batches }),
        planId: stored.planId,
      });
      this.submittedPlans.set(stored.planId, started.submissionId);
      return started;
    } catch (error) {
      this.submittedPlans.delete(stored.planId);
      throw error;
    }
  }

  /**
   * Raw records: dry runs anywhere, real sends only on the Sandbox (nothing there is money) or
   * when the caller has already passed the billing guard for them.
   */
  async submitRecords(
    operation: JournalOperation,
    records: UsageRecord[],
    catalog: readonly Product[],
    options: SubmitOptions,
  ): Promise<Started> {
    const connection = activeConnection(this.deps);
    const guarded = options.dryRun === true || options.alreadyGuarded === true;
    if (!guarded && billingConfirmationRequired(connection)) {
      throw new AppError(
        'CONFIRMATION_REQUIRED',
        'Records sent without a preview are refused on a real connection: what bills must first be previewed and confirmed. Nothing was sent.',
        {
          hint: 'Preview the records (metering:plan), then submit its planId with the typed confirmation.',
        },
      );
    }
    const prepared = prepareRecords(operation, records, catalog, {
      now: this.deps.now(),
      newClientToken: this.deps.newClientToken,
      dryRun: options.dryRun === true,
    });
    return this.start(operation, prepared.records, connection, {
      ...(options.dryRun === true ? { dryRun: true } : {}),
      ...(prepared.batches === undefined ? {} : { batches: prepared.batches }),
    });
  }

  /** The resume's decisions, the connection it goes out on, and what its resend bills. */
  private async prepareResume(submissionId: string) {
    const { deps } = this;
    if (this.engine.running().includes(submissionId)) {
      throw new AppError('CONFLICT', 'This submission is still running.');
    }
    const plan = await planResume(deps.journal, submissionId);
    const original = plan.interrupted.context;
    const connection = deps.connections.get(original.connectionId);
    if (
      original.account !== '' &&
      connection.accountId !== undefined &&
      connection.accountId !== original.account
    ) {
      throw new AppError(
        'CONFLICT',
        `Connection "${connection.name}" now reaches account ${connection.accountId}, not ${original.account} where these records were sent.`,
        { hint: 'Resume with a connection to the original account.' },
      );
    }
    const decisions = await decideResume(deps.journal, plan, {
      now: deps.now(),
      billed: this.billedLookup,
    });
    const resend = new Set(
      decisions.filter((d) => d.disposition === 'resend').map((d) => d.record.key),
    );
    const records = plan.records.filter((r) => resend.has(r.key));
    const calls = plan.operation === 'MeterUsage' ? records.length : planCalls(records).length;
    const target = await deps.guard.target(connection.id, original.region);
    const billing =
      records.length === 0 ? null : resumeBillingPlan(target, submissionId, records, calls);
    return {
      plan,
      decisions,
      records,
      billing,
      calls,
      connection: { ...connection, region: original.region },
    };
  }

  async resumePreview(submissionId: string): Promise<ResumePreview> {
    const prepared = await this.prepareResume(submissionId);
    const meta: SubmissionMeta = {
      startedWall: 0,
      connection: { id: '', name: '', account: '', region: '' },
      records: new Map(prepared.plan.records.map((r) => [r.key, r])),
    };
    return {
      submissionId,
      operation: prepared.plan.operation,
      records: prepared.decisions.map((d) => resumeRecordView(meta, d)),
      resend: prepared.records.length,
      calls: prepared.calls,
      settle: prepared.decisions.length - prepared.records.length,
      billing: prepared.billing === null ? null : this.deps.guard.preview(prepared.billing),
    };
  }

  /** Settles what needs no call, then resends the rest (confirmed on a real connection). */
  async resume(submissionId: string, confirmation: BillingConfirmation | undefined) {
    const prepared = await this.prepareResume(submissionId);
    if (prepared.billing !== null) this.deps.guard.require(prepared.billing, confirmation);
    const settled = settledRecords(prepared.decisions);
    const [first, ...rest] = settled;
    if (first !== undefined) {
      await this.deps.journal.append({
        kind: 'records-settled',
        submissionId,
        context: prepared.plan.interrupted.context,
        records: [first, ...rest],
        reason: 'Settled on resume without sending again.',
      });
      this.changed(submissionId);
    }
    if (prepared.records.length === 0) {
      return { submissionId: null, resendOf: submissionId, total: 0, settled: settled.length };
    }
    const started = await this.start(
      prepared.plan.operation,
      prepared.records,
      prepared.connection,
      { resendOf: submissionId },
    );
    return { ...started, resendOf: submissionId, settled: settled.length };
  }

  status(submissionId: string): SubmissionStatus {
    const snap = this.engine.status(submissionId);
    if (!snap) {
      throw new AppError('NOT_FOUND', `No submission ${submissionId} in this session.`, {
        hint: 'Earlier submissions are in the Journal.',
      });
    }
    const meta = this.metas.get(submissionId);
    return {
      ...progressView(meta, snap, this.deps.now()),
      outcomes: snap.outcomes.map((o) => outcomeView(meta, o)),
    };
  }

  cancel(submissionId: string): boolean {
    return this.engine.cancel(submissionId);
  }

  running(): string[] {
    return this.engine.running();
  }

  /** Who is sending a record with this dedup key right now. */
  inFlight(key: string): string | undefined {
    return this.lock.holder(key);
  }

  /** A broken journal kept read-only under a new name, and a new chain started (see journal.ts). */
  async archiveJournal(): Promise<ArchivedJournal> {
    const running = this.engine.running();
    if (running.length > 0) {
      throw new AppError('CONFLICT', `Submission ${running.join(', ')} is still running.`, {
        hint: 'Cancel it or let it end, then archive the journal.',
      });
    }
    const archived = await this.deps.journal.archiveAndRestart();
    this.changed();
    return archived;
  }

  /**
   * Records whose answer was lost (NoOutcome, Unknown), in submissions not running, settled from
   * what the audit cache now holds: billed per CloudTrail (by the call's request id, or the same
   * quantity for the customer, dimension and hour), or not billed once the cache covers the time
   * the call could have been logged and AWS no longer takes the hour. The rest waits for resume.
   */
  async settleFromCloudTrail(): Promise<number> {
    const running = new Set(this.engine.running());
    let settled = 0;
    for (const interrupted of await this.deps.journal.interruptedSubmissions()) {
      const lost = interrupted.unresolved.some(
        (u) => u.lastStatus === 'NoOutcome' || u.lastStatus === 'Unknown',
      );
      if (!lost || running.has(interrupted.submissionId)) continue;
      const plan = await planResume(this.deps.journal, interrupted.submissionId);
      const decisions = await decideResume(this.deps.journal, plan, {
        now: this.deps.now(),
        billed: this.billedLookup,
      });
      const [first, ...rest] = settledRecords(
        decisions.filter(
          (d) =>
            d.disposition === 'billed-per-cloudtrail' ||
            d.disposition === 'not-billed-per-cloudtrail',
        ),
      );
      if (first === undefined) continue;
      await this.deps.journal.append({
        kind: 'records-settled',
        submissionId: interrupted.submissionId,
        context: interrupted.context,
        records: [first, ...rest],
        reason: 'Settled from CloudTrail after a sync.',
      });
      settled += 1 + rest.length;
      this.changed(interrupted.submissionId);
    }
    return settled;
  }

  /** The journal read into rows, cached until the next change. */
  index(): Promise<JournalIndex> {
    if (!this.cached || this.cached.version !== this.version) {
      this.cached = {
        version: this.version,
        index: this.deps.journal.entries().then(buildIndex),
      };
    }
    return this.cached.index;
  }

  /** The audit side's answer to "billed per CloudTrail?" (bound once the audit area exists). */
  useBilledLookup(lookup: BilledLookup): void {
    this.billedLookup = lookup;
  }

  billed(): BilledLookup {
    return this.billedLookup;
  }
}

/** The service's public face (a plain object type, so tests can stand in for it). */
export type SubmissionService = { [K in keyof Submissions]: Submissions[K] };

export function createSubmissionService(deps: SubmissionServiceDeps): SubmissionService {
  return new Submissions(deps);
}
