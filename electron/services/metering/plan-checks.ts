// The submission side's checks of a preview, before anything can be submitted:
// - records another submission is sending right now (the in-flight lock) cannot be planned;
// - the pre-flight clash check against the CloudTrail cache: a (customer, dimension, hour) that
//   CloudTrail shows billed already, by any caller, is "already billed" (same quantity) or
//   "AWS would answer DuplicateRecord; X stands" (another quantity), with how fresh the cache is;
// - what submitting the plan bills, and where (the billing guard's preview).
import type { PlanCloudTrail } from '../../../shared/channels/metering-submit';
import type { ConnectionSummary } from '../../../shared/contract';
import { BATCH_WINDOW_MS, HOUR_MS } from '../../../shared/aws/metering-rules';
import { recordKey, type RecordIssue, type UsageRecord } from '../../../shared/metering';
import type { BilledAnswer, BilledLookup, BilledQuery } from '../billed-lookup';
import { submissionBillingPlan } from './billing-plan';
import type { PlanCheckPort } from './plan';
import type { BillingGuardPort } from './submissions';

export type PlanCheckDeps = {
  inFlight: (key: string) => string | undefined;
  billed: () => BilledLookup;
  guard: BillingGuardPort;
  active: () => ConnectionSummary | null;
  now: () => number;
};

const n = (value: number): string => value.toLocaleString('en-US');

function inFlightIssue(submissionId: string): RecordIssue {
  return {
    field: 'record',
    code: 'in-flight',
    severity: 'error',
    message: `Being sent right now by submission ${submissionId}.`,
    fix: 'Wait for that submission to finish (the record then shows as already billed), then preview again.',
  };
}

function clashIssue(record: UsageRecord, answer: BilledAnswer): RecordIssue | null {
  const billed = answer.billed;
  if (billed === null) return null;
  const who = `${billed.person ?? 'another caller'} at ${new Date(billed.eventTime).toISOString()}`;
  const id =
    billed.meteringRecordId === undefined ? '' : `, MeteringRecordId ${billed.meteringRecordId}`;
  if (billed.quantity === record.quantity) {
    return {
      field: 'record',
      code: 'cloudtrail-billed-same',
      severity: 'warning',
      message: `Already billed per CloudTrail (quantity ${n(billed.quantity)}${id}, sent by ${who}).`,
      fix: 'Sending it again bills nothing more; you can remove the row.',
    };
  }
  return {
    field: 'record',
    code: 'cloudtrail-billed-different',
    severity: 'error',
    message: `AWS would answer DuplicateRecord; ${n(billed.quantity)} stands (billed per CloudTrail${id}, sent by ${who}).`,
    fix: 'Metering again cannot change it. Over-billing is corrected with a refund; under-billing in a later hour.',
  };
}

/** Every BatchMeterUsage record's bucket, from its hour to when AWS stops accepting it. */
function clashQueries(
  records: readonly UsageRecord[],
  connection: ConnectionSummary & { accountId: string },
  now: number,
): { at: number; query: BilledQuery }[] {
  return records.flatMap((r, at) => {
    const ms = Date.parse(r.timestamp);
    const customer = r.customerAwsAccountId ?? r.customerIdentifier;
    // MeterUsage is logged in the buyer's account: the seller's cache cannot know it.
    if (r.operation !== 'BatchMeterUsage' || customer === undefined || !Number.isFinite(ms)) {
      return [];
    }
    const hour = Math.floor(ms / HOUR_MS) * HOUR_MS;
    return [
      {
        at,
        query: {
          accountId: connection.accountId,
          region: connection.region,
          customer,
          ...(r.licenseArn === undefined ? {} : { licenseArn: r.licenseArn }),
          ...(r.productCode === undefined ? {} : { productCode: r.productCode }),
          dimension: r.dimension,
          hour,
          sentFrom: hour,
          sentTo: Math.min(now, hour + HOUR_MS + BATCH_WINDOW_MS),
        },
      },
    ];
  });
}

async function cloudTrailClashes(
  deps: PlanCheckDeps,
  records: readonly UsageRecord[],
  issues: Map<number, RecordIssue[]>,
): Promise<PlanCloudTrail | null> {
  const connection = deps.active();
  if (connection?.accountId === undefined) return null;
  const asked = clashQueries(
    records,
    { ...connection, accountId: connection.accountId },
    deps.now(),
  );
  if (asked.length === 0) return null;
  const answers = await deps.billed().lookup(asked.map((a) => a.query));
  let billed = 0;
  let complete = true;
  let coveredUntil: number | null = null;
  asked.forEach(({ at }, i) => {
    const answer = answers[i];
    const record = records[at];
    if (answer === undefined || record === undefined) return;
    complete &&= answer.complete;
    if (answer.coveredUntil !== null) {
      coveredUntil =
        coveredUntil === null ? answer.coveredUntil : Math.min(coveredUntil, answer.coveredUntil);
    }
    const issue = clashIssue(record, answer);
    if (issue === null) return;
    billed += 1;
    issues.set(at, [...(issues.get(at) ?? []), issue]);
  });
  return { checked: asked.length, billed, complete, coveredUntil };
}

export function createPlanChecks(deps: PlanCheckDeps): PlanCheckPort {
  return {
    async records(records) {
      const issues = new Map<number, RecordIssue[]>();
      records.forEach((record, at) => {
        const holder = deps.inFlight(recordKey(record));
        if (holder !== undefined) issues.set(at, [inFlightIssue(holder)]);
      });
      const cloudTrail = await cloudTrailClashes(deps, records, issues);
      return { issues, cloudTrail };
    },
    async billing(stored) {
      const target = await deps.guard.target(stored.connectionId);
      return deps.guard.preview(submissionBillingPlan(target, stored.records, stored.plan));
    },
  };
}
