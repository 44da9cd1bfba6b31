// The submission side shared by the metering and journal wiring: ONE journal writer per data
// folder (the chain head lives in memory) and one engine, paced by the app's one pacer. Both
// areas get the same instance for the same CoreDeps.
import { randomUUID } from 'node:crypto';
import type { BillingConfirmation } from '../../../shared/billing-confirmation';
import type {
  RecordOutcomeView,
  ResumePreview,
  SubmissionProgressView,
  SubmissionStatus,
} from '../../../shared/channels/metering-submit';
import { AppError } from '../../../shared/errors';
import type { JournalContext, JournalOperation } from '../../../shared/journal';
import {
  planBatches,
  toAwsUsageRecord,
  validateRecords,
  type Product,
  type UsageRecord,
  type UsageRecordDraft,
} from '../../../shared/metering';
import { createMeteringApi } from '../../adapters/aws/metering-api';
import { realTime } from '../../adapters/aws/pacer';
import { createJournalFile, type DiskJournalFile } from '../../adapters/storage/journal-file';
import { createJournal, type Journal } from '../../services/journal/journal';
import { buildIndex, type JournalIndex } from '../../services/journal/query';
import { resumeBillingPlan } from '../../services/metering/billing-plan';
import {
  createSubmissionEngine,
  planCalls,
  type EngineRecord,
  type RecordOutcome,
  type SubmissionEngine,
  type SubmissionProgressInfo,
} from '../../services/metering/engine';
import { planResume, type ResumePlan } from '../../services/metering/resume';
import { createBillingGuard } from './billing-guard';
import type { CoreDeps } from './types';

export type SubmissionArea = {
  journal: Journal;
  file: DiskJournalFile;
  engine: SubmissionEngine;
  /** The journal read into rows, cached until the next append. */
  index: () => Promise<JournalIndex>;
  submitRecords: (input: {
    operation: JournalOperation;
    records: UsageRecord[];
    catalog: readonly Product[];
    dryRun?: boolean;
    /** The preview's calls (record indexes per call), when submitting a stored plan. */
    calls?: number[][];
  }) => Promise<{ submissionId: string; total: number }>;
  /** Exactly what a resume would send again, with its billing preview. */
  resumePreview: (submissionId: string) => Promise<ResumePreview>;
  resume: (
    submissionId: string,
    confirmation: BillingConfirmation | undefined,
  ) => Promise<{ submissionId: string; resendOf: string; total: number }>;
  status: (submissionId: string) => SubmissionStatus;
  close: () => Promise<void>;
};

const areas = new WeakMap<CoreDeps, SubmissionArea>();

export function submissionArea(deps: CoreDeps): SubmissionArea {
  const existing = areas.get(deps);
  if (existing) return existing;
  const created = createSubmissionArea(deps);
  areas.set(deps, created);
  return created;
}

type Meta = {
  startedWall: number;
  connection: SubmissionProgressView['connection'];
  records: Map<string, EngineRecord>;
};

function display(record: EngineRecord | undefined): Partial<RecordOutcomeView> {
  if (!record) return {};
  const r = record.record;
  const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const customer = s(r.CustomerAWSAccountId) ?? s(r.CustomerIdentifier);
  const licenseArn = s(r.LicenseArn);
  const productCode = record.productCode ?? s(r.ProductCode);
  const dimension = s(r.Dimension) ?? s(r.UsageDimension);
  const timestamp = s(r.Timestamp);
  const quantity = r.Quantity ?? r.UsageQuantity;
  return {
    ...(customer === undefined ? {} : { customer }),
    ...(licenseArn === undefined ? {} : { licenseArn }),
    ...(productCode === undefined ? {} : { productCode }),
    ...(dimension === undefined ? {} : { dimension }),
    ...(timestamp === undefined ? {} : { timestamp }),
    ...(typeof quantity === 'number' ? { quantity } : {}),
  };
}

function toDraft(record: UsageRecord): UsageRecordDraft {
  return {
    ...(record.rowId === undefined ? {} : { rowId: record.rowId }),
    productId: record.productId,
    ...(record.productCode === undefined ? {} : { productCode: record.productCode }),
    ...(record.customerIdentifier === undefined
      ? {}
      : { customerIdentifier: record.customerIdentifier }),
    ...(record.customerAwsAccountId === undefined
      ? {}
      : { customerAwsAccountId: record.customerAwsAccountId }),
    ...(record.licenseArn === undefined ? {} : { licenseArn: record.licenseArn }),
    dimension: record.dimension,
    quantity: record.quantity,
    timestamp: record.timestamp,
    ...(record.allocations === undefined
      ? {}
      : {
          allocations: record.allocations.map((a) => ({
            quantity: a.quantity,
            ...(a.tags === undefined ? {} : { tags: a.tags }),
          })),
        }),
  };
}

/** A validated record as the engine sends it (and the journal keeps it): ISO timestamps. */
export function engineRecordOf(
  record: UsageRecord,
  key: string,
  operation: JournalOperation,
): EngineRecord {
  if (operation === 'MeterUsage') {
    const aws = toAwsUsageRecord(record);
    return {
      key,
      group: record.productId,
      record: {
        ProductCode: record.productCode,
        Timestamp: record.timestamp,
        UsageDimension: record.dimension,
        UsageQuantity: record.quantity,
        ...(aws.UsageAllocations === undefined ? {} : { UsageAllocations: aws.UsageAllocations }),
        // Fixed at planning time and journaled with the record, so a resend is deduplicated.
        ClientToken: randomUUID(),
      },
    };
  }
  const wire = { ...toAwsUsageRecord(record), Timestamp: record.timestamp };
  return {
    key,
    ...(record.productCode === undefined || record.licenseArn !== undefined
      ? {}
      : { productCode: record.productCode }),
    group: record.productId,
    record: wire,
  };
}

function createSubmissionArea(deps: CoreDeps): SubmissionArea {
  const guard = createBillingGuard(deps);
  const file = createJournalFile(deps.dataDir);
  const journal = createJournal(file, { now: deps.now });
  const metas = new Map<string, Meta>();
  let version = 0;
  let cached: { version: number; index: Promise<JournalIndex> } | undefined;

  const changed = (submissionId?: string): void => {
    version += 1;
    deps.bus.emit('journal:changed', submissionId === undefined ? {} : { submissionId });
  };

  function view(progress: SubmissionProgressInfo): SubmissionProgressView {
    const meta = metas.get(progress.submissionId);
    const startedWall = meta?.startedWall ?? deps.now();
    const toWall = (mono: number): string =>
      new Date(startedWall + (mono - progress.startedAt)).toISOString();
    return {
      submissionId: progress.submissionId,
      operation: progress.operation,
      dryRun: progress.dryRun,
      ...(progress.resendOf === undefined ? {} : { resendOf: progress.resendOf }),
      state: progress.state,
      total: progress.total,
      done: progress.done,
      calls: progress.calls,
      counts: progress.counts,
      ratePerSecond: progress.ratePerSecond,
      secondsLeft: progress.secondsLeft,
      startedAt: new Date(startedWall).toISOString(),
      ...(progress.finishedAt === undefined ? {} : { finishedAt: toWall(progress.finishedAt) }),
      ...(progress.error === undefined ? {} : { error: progress.error }),
      connection: meta?.connection ?? { id: '', name: '', account: '', region: '' },
    };
  }

  const outcomeView = (submissionId: string, o: RecordOutcome): RecordOutcomeView => ({
    ...display(metas.get(submissionId)?.records.get(o.key)),
    key: o.key,
    status: o.status,
    attempts: o.attempts,
    ...(o.meteringRecordId === undefined ? {} : { meteringRecordId: o.meteringRecordId }),
    ...(o.requestId === undefined ? {} : { requestId: o.requestId }),
    ...(o.error === undefined ? {} : { error: o.error }),
  });

  const engine = createSubmissionEngine({
    journal,
    pacer: deps.pacer,
    time: realTime,
    newId: () =>
      `sub-${new Date(deps.now()).toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`,
    onOutcomes: (submissionId, outcomes) => {
      changed(submissionId);
      deps.bus.emit('metering:outcomes', {
        submissionId,
        outcomes: outcomes.map((o) => outcomeView(submissionId, o)),
      });
    },
    onProgress: (progress) => {
      const v = view(progress);
      deps.bus.emit('metering:submission-progress', v);
      deps.bus.emit('task:progress', {
        taskId: progress.submissionId,
        kind: 'metering:submit',
        done: progress.done,
        total: progress.total,
        ratePerSecond: progress.ratePerSecond,
        secondsLeft: progress.secondsLeft,
        message:
          progress.state === 'running'
            ? `${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} records`
            : `Submission ${progress.state}`,
        finished: progress.state !== 'running',
      });
      if (progress.state !== 'running') changed(progress.submissionId);
    },
  });

  function activeConnection() {
    const active = deps.connections.active();
    if (!active) {
      throw new AppError('CREDENTIALS_MISSING', 'No connection is active.', {
        hint: 'Choose a connection in the top bar.',
      });
    }
    return active;
  }

  async function start(
    operation: JournalOperation,
    records: EngineRecord[],
    connection: { id: string; name: string; accountId?: string | undefined; region: string },
    extra: { dryRun?: boolean; resendOf?: string; batches?: EngineRecord[][] },
  ) {
    const target = deps.connections.target(connection.id, connection.region);
    const client = deps.aws.metering(target, { maxAttempts: 1 });
    const api = createMeteringApi(client, { region: connection.region });
    const context: JournalContext = {
      connectionId: connection.id,
      connectionName: connection.name,
      account: connection.accountId ?? '',
      region: connection.region,
      osUser: deps.osUser,
    };
    const startedWall = deps.now();
    const handle = await engine.submit({
      operation,
      records,
      context,
      api,
      pacerKey: { accountId: context.account || connection.id, region: connection.region },
      ...(extra.dryRun === undefined ? {} : { dryRun: extra.dryRun }),
      ...(extra.resendOf === undefined ? {} : { resendOf: extra.resendOf }),
      ...(extra.batches === undefined ? {} : { batches: extra.batches }),
    });
    metas.set(handle.submissionId, {
      startedWall,
      connection: {
        id: connection.id,
        name: connection.name,
        account: context.account,
        region: connection.region,
      },
      records: new Map(records.map((r) => [r.key, r])),
    });
    changed(handle.submissionId);
    void handle.done.then(
      (final) => {
        client.destroy();
        deps.logger.info('metering: submission ended', {
          submissionId: final.submissionId,
          state: final.state,
          counts: final.counts,
        });
        // Keep the last few for status; the journal has the rest.
        while (metas.size > 30) {
          const oldest = metas.keys().next().value;
          if (oldest === undefined || engine.running().includes(oldest)) break;
          metas.delete(oldest);
        }
      },
      (error: unknown) => {
        client.destroy();
        deps.logger.error('metering: submission failed', { error });
      },
    );
    return { submissionId: handle.submissionId, total: records.length };
  }

  /** The resume's records, the connection it goes out on, and what it bills. */
  async function prepareResume(submissionId: string) {
    if (engine.running().includes(submissionId)) {
      throw new AppError('CONFLICT', 'This submission is still running.');
    }
    const plan: ResumePlan = await planResume(journal, submissionId);
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
    const target = await guard.target(connection.id, original.region);
    const calls =
      plan.operation === 'MeterUsage' ? plan.records.length : planCalls(plan.records).length;
    const billing = resumeBillingPlan(target, submissionId, plan.records, calls);
    return { plan, billing, connection: { ...connection, region: original.region } };
  }

  return {
    journal,
    file,
    engine,
    index: () => {
      if (!cached || cached.version !== version) {
        const at = version;
        cached = { version: at, index: journal.entries().then(buildIndex) };
      }
      return cached.index;
    },
    async submitRecords({ operation, records, catalog, dryRun, calls }) {
      if (dryRun === true && operation !== 'MeterUsage') {
        throw new AppError('VALIDATION', 'A dry run is only available for MeterUsage.');
      }
      const mismatched = records.find((r) => r.operation !== operation);
      if (mismatched) {
        throw new AppError(
          'VALIDATION',
          `This submission mixes ${operation} with ${mismatched.operation} records; submit SaaS and AMI/container usage separately.`,
        );
      }
      // Main is authoritative: validate again with the same rules the editor used.
      const checks = validateRecords(records.map(toDraft), {
        catalog,
        now: deps.now(),
        operation,
      });
      const bad = checks.findIndex((c) => c.issues.some((i) => i.severity === 'error'));
      if (bad >= 0) {
        const issue = checks[bad]?.issues.find((i) => i.severity === 'error');
        throw new AppError(
          'VALIDATION',
          `Record ${bad + 1}: ${issue?.message ?? 'invalid'} Nothing was sent.`,
          { ...(issue ? { hint: issue.fix } : {}), details: { index: bad, issue } },
        );
      }
      const engineRecords = records.map((r, i) =>
        engineRecordOf(r, `row-${String(i + 1).padStart(5, '0')}`, operation),
      );
      const planCalls = calls ?? planBatches(records, catalog).calls.map((c) => c.recordIndexes);
      const batches =
        operation === 'BatchMeterUsage'
          ? planCalls.map((indexes) =>
              indexes.map((i) => {
                const r = engineRecords[i];
                if (!r)
                  throw new AppError('INTERNAL', 'The plan names a record that is not there.');
                return r;
              }),
            )
          : undefined;
      const connection = activeConnection();
      return start(operation, engineRecords, connection, {
        ...(dryRun === undefined ? {} : { dryRun }),
        ...(batches === undefined ? {} : { batches }),
      });
    },
    async resumePreview(submissionId) {
      const { plan, billing } = await prepareResume(submissionId);
      return {
        submissionId,
        operation: plan.operation,
        records: plan.interrupted.unresolved.map((u) => ({
          ...display({
            key: u.key,
            record: u.record,
            ...(u.productCode === undefined ? {} : { productCode: u.productCode }),
          }),
          key: u.key,
          lastStatus: u.lastStatus,
        })),
        calls: billing.calls,
        billing: guard.preview(billing),
      };
    },
    async resume(submissionId, confirmation) {
      const { plan, billing, connection } = await prepareResume(submissionId);
      guard.require(billing, confirmation);
      const started = await start(plan.operation, plan.records, connection, {
        resendOf: submissionId,
      });
      return { ...started, resendOf: submissionId };
    },
    status(submissionId) {
      const snap = engine.status(submissionId);
      if (!snap) {
        throw new AppError('NOT_FOUND', `No submission ${submissionId} in this session.`, {
          hint: 'Earlier submissions are in the Journal.',
        });
      }
      return {
        ...view(snap),
        outcomes: snap.outcomes.map((o) => outcomeView(submissionId, o)),
      };
    },
    async close() {
      // A submission still running is NOT cancelled: it stays open in the journal, so the next
      // start shows it as interrupted with its unresolved records ready to resume.
      await file.close();
    },
  };
}
