// What the renderer sees of a submission: progress with wall-clock times and the connection,
// and each record's outcome with what the record was.
import type {
  RecordOutcomeView,
  SubmissionProgressView,
} from '../../../shared/channels/metering-submit';
import type { RecordOutcome, SubmissionProgressInfo } from './engine-types';
import { wireString, type EngineRecord } from './wire';

export type SubmissionMeta = {
  startedWall: number;
  connection: SubmissionProgressView['connection'];
  records: Map<string, EngineRecord>;
};

/** The record's own fields, for display next to its outcome. */
export function display(record: EngineRecord | undefined): Partial<RecordOutcomeView> {
  if (!record) return {};
  const r = record.record;
  const customer = wireString(r, 'CustomerAWSAccountId', 'CustomerIdentifier');
  const licenseArn = wireString(r, 'LicenseArn');
  const productCode = record.productCode ?? wireString(r, 'ProductCode');
  const dimension = wireString(r, 'Dimension', 'UsageDimension');
  const timestamp = wireString(r, 'Timestamp');
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

export function outcomeView(meta: SubmissionMeta | undefined, o: RecordOutcome): RecordOutcomeView {
  return {
    ...display(meta?.records.get(o.key)),
    key: o.key,
    status: o.status,
    attempts: o.attempts,
    ...(o.parked === true ? { parked: true } : {}),
    ...(o.meteringRecordId === undefined ? {} : { meteringRecordId: o.meteringRecordId }),
    ...(o.requestId === undefined ? {} : { requestId: o.requestId }),
    ...(o.error === undefined ? {} : { error: o.error }),
  };
}

/** Monotonic engine times become wall-clock ISO times from when the submission started. */
export function progressView(
  meta: SubmissionMeta | undefined,
  progress: SubmissionProgressInfo,
  now: number,
): SubmissionProgressView {
  const startedWall = meta?.startedWall ?? now;
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
