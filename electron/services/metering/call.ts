// One metering call and what AWS's answer means for each of its records: final statuses,
// records to send again (Unprocessed: not applied; Unknown: maybe applied, resend the identical
// record to settle it), a rejection to bisect, or a reason to stop the whole submission.
import type { AppError } from '../../../shared/errors';
import type { JournalOperation } from '../../../shared/journal';
import { awsDetails, classify, toAppError } from './classify';
import type { BatchCallResult, MeteringApi, OutcomeStatus, RecordOutcome } from './engine-types';
import { recordFingerprint, wireString, type EngineRecord, type WireRecord } from './wire';

export type CallAnswer = {
  /** One per record of the call: final, or Unprocessed/Unknown (to send again or park). */
  outcomes: RecordOutcome[];
  /** AWS refused the whole call for something one record can cause: split it in two. */
  bisect: boolean;
  /** Nothing more may be sent (credentials, access, an unexplained failure). */
  stop?: AppError;
  throttled: boolean;
  requestId?: string;
  httpStatus?: number;
  /** The call's own failure, when it failed as a whole. */
  error?: AppError;
};

const DUPLICATE_NOTE = {
  code: 'DuplicateRecord',
  message:
    'Already metered for this customer, dimension and hour with a different quantity; the first quantity stands.',
};

function answered(status: string): OutcomeStatus {
  return status === 'Success' || status === 'DuplicateRecord' || status === 'CustomerNotSubscribed'
    ? status
    : 'Unknown';
}

/**
 * The account id an echo carries beside the CustomerIdentifier that was sent (AWS-FACTS §0.1:
 * the documented sample's answer adds customerAWSAccountID), or undefined.
 */
function echoedAccountId(echo: WireRecord, sent: WireRecord): string | undefined {
  const echoed = wireString(echo, 'CustomerAWSAccountId');
  return echoed !== undefined &&
    wireString(sent, 'CustomerIdentifier') !== undefined &&
    wireString(sent, 'CustomerAWSAccountId') === undefined
    ? echoed
    : undefined;
}

/** Our records by content, taken once each as AWS's echoes name them. */
function echoMatcher(records: readonly EngineRecord[]) {
  const byPrint = new Map<string, EngineRecord[]>();
  for (const r of records) {
    const print = recordFingerprint(r.record);
    byPrint.set(print, [...(byPrint.get(print) ?? []), r]);
  }
  return {
    take(echo: WireRecord): EngineRecord | undefined {
      const exact = byPrint.get(recordFingerprint(echo))?.shift();
      if (exact || wireString(echo, 'CustomerIdentifier') === undefined) return exact;
      // An echo may add the buyer's account id to a record sent under its CustomerIdentifier.
      const asSent: WireRecord = { ...echo };
      delete asSent.CustomerAWSAccountId;
      return byPrint.get(recordFingerprint(asSent))?.shift();
    },
    left: () => byPrint.values(),
  };
}

/** Matches AWS's echoes back to our keys by content; identical records match in order. */
function batchOutcomes(
  records: readonly EngineRecord[],
  result: BatchCallResult,
  attempts: number,
): RecordOutcome[] {
  const matcher = echoMatcher(records);
  const take = (record: WireRecord): EngineRecord | undefined => matcher.take(record);
  const requestId = result.requestId === undefined ? {} : { requestId: result.requestId };
  const outcomes: RecordOutcome[] = [];
  for (const res of result.results) {
    const mine = take(res.record);
    if (!mine) continue;
    const status = answered(res.status);
    const accountId = echoedAccountId(res.record, mine.record);
    outcomes.push({
      key: mine.key,
      status,
      ...(res.meteringRecordId === undefined ? {} : { meteringRecordId: res.meteringRecordId }),
      ...(accountId === undefined ? {} : { customerAwsAccountId: accountId }),
      ...requestId,
      ...(status === 'DuplicateRecord' ? { error: DUPLICATE_NOTE } : {}),
      ...(status === 'Unknown'
        ? { error: { code: 'INTERNAL', message: `Unexpected status ${res.status}` } }
        : {}),
      attempts,
    });
  }
  for (const rec of result.unprocessed) {
    const mine = take(rec);
    if (mine) outcomes.push({ key: mine.key, status: 'Unprocessed', attempts });
  }
  // Anything AWS neither processed nor returned: we cannot say; settle by resending.
  for (const list of matcher.left()) {
    for (const r of list) {
      outcomes.push({
        key: r.key,
        status: 'Unknown',
        error: { code: 'INTERNAL', message: 'AWS did not mention this record.' },
        attempts,
      });
    }
  }
  return outcomes;
}

function failedCall(
  error: AppError,
  operation: JournalOperation,
  records: readonly EngineRecord[],
  attempts: number,
): CallAnswer {
  const aws = awsDetails(error);
  const base = {
    ...(aws.requestId === undefined ? {} : { requestId: aws.requestId }),
    ...(aws.httpStatusCode === undefined ? {} : { httpStatus: aws.httpStatusCode }),
    error,
    bisect: false,
    throttled: false,
  };
  const err = {
    code: error.code,
    message: error.message,
    ...(aws.name ? { awsName: aws.name } : {}),
  };
  const all = (status: OutcomeStatus): RecordOutcome[] =>
    records.map((r) => ({ key: r.key, status, error: err, attempts }));
  const verdict = classify(error, operation, records[0]?.productCode);
  switch (verdict.kind) {
    case 'retry':
      return { ...base, outcomes: all(verdict.status), throttled: verdict.throttled };
    case 'bisect':
      // Nothing of a rejected call was applied: both halves are fresh sends.
      return records.length > 1
        ? { ...base, outcomes: all('Unprocessed'), bisect: true }
        : { ...base, outcomes: all('Rejected') };
    case 'reject':
      return { ...base, outcomes: all('Rejected') };
    case 'final':
      return { ...base, outcomes: all(verdict.status) };
    case 'stop':
      // An Unknown record must be settled on resume; an Unprocessed one is simply unsent.
      return { ...base, outcomes: all(verdict.status), stop: error };
  }
}

async function meterUsageCall(
  api: MeteringApi,
  only: EngineRecord,
  attempts: number,
  dryRun: boolean,
): Promise<CallAnswer> {
  try {
    const result = await api.meterUsage(only.record, { dryRun });
    return {
      outcomes: [
        {
          key: only.key,
          status: 'Success',
          meteringRecordId: result.meteringRecordId,
          ...(result.requestId === undefined ? {} : { requestId: result.requestId }),
          attempts,
        },
      ],
      bisect: false,
      throttled: false,
      ...(result.requestId === undefined ? {} : { requestId: result.requestId }),
      ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
    };
  } catch (caught) {
    const error = toAppError(caught);
    if (dryRun && awsDetails(error).name === 'DryRunOperation') {
      return {
        outcomes: [{ key: only.key, status: 'DryRunPassed', attempts }],
        bisect: false,
        throttled: false,
      };
    }
    return failedCall(error, 'MeterUsage', [only], attempts);
  }
}

/** Sends one call (one attempt) and reads AWS's answer per record. Never throws. */
export async function sendCall(
  api: MeteringApi,
  operation: JournalOperation,
  records: readonly EngineRecord[],
  attempts: number,
  dryRun: boolean,
): Promise<CallAnswer> {
  if (operation === 'MeterUsage') {
    const only = records[0];
    if (!only) return { outcomes: [], bisect: false, throttled: false };
    return meterUsageCall(api, only, attempts, dryRun);
  }
  const productCode = records[0]?.productCode;
  try {
    const result = await api.batchMeterUsage({
      ...(productCode === undefined ? {} : { productCode }),
      records: records.map((r) => r.record),
    });
    return {
      outcomes: batchOutcomes(records, result, attempts),
      bisect: false,
      throttled: false,
      ...(result.requestId === undefined ? {} : { requestId: result.requestId }),
      ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
    };
  } catch (caught) {
    return failedCall(toAppError(caught), operation, records, attempts);
  }
}
