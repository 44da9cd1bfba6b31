// CloudTrail record (the `CloudTrailEvent` JSON string) → one AuditRow per usage record.
// Follows AWS-FACTS §2.6 and §0.1: lowerCamel keys matched case-insensitively, Java-style UTC
// timestamps, null responseElements on failed calls, no productCode for Concurrent Agreements,
// results paired with request records by key (usage-record.ts), every userIdentity type
// (identity.ts), and fields CloudTrail truncated (`{"omitted": true}`): such an event is kept,
// flagged, and gives whatever rows can still be read. Rows reference their event by id; the raw
// text is kept elsewhere.
import {
  RESULT_MISSING_CODE,
  type AuditRow,
  type AuditStatus,
  type TruncatedPart,
} from '../../../shared/audit';
import { parseUsageTimestamp } from './cloudtrail-time';
import { readIdentity } from './identity';
import { asArray, get, getStr, isObj, isOmitted, type Obj } from './json';
import {
  hourOf,
  pairAnswers,
  quantityOf,
  readUsageRecord,
  type UsageFields,
  type UsageRecord,
} from './usage-record';

export { parseUsageTimestamp } from './cloudtrail-time';

/** What LookupEvents says about the event, used where the record itself is silent. */
export type ParseFallback = {
  eventId?: string;
  eventTime?: number;
  eventName?: string;
  eventSource?: string;
  username?: string;
  accessKeyId?: string;
  region?: string;
  accountId?: string;
};

export type ParsedAuditEvent = {
  eventId: string;
  eventTime: number;
  eventName: string;
  eventSource: string;
  region: string;
  accountId: string;
  callerArn?: string;
  userName?: string;
  accessKeyId?: string;
  identityType?: string;
  person?: string;
  requestId?: string;
  errorCode?: string;
  errorMessage?: string;
  truncated?: TruncatedPart;
  rows: AuditRow[];
};

export type ParseResult = { ok: true; event: ParsedAuditEvent } | { ok: false; reason: string };

/** What AWS said about one record; the record's fields come from elsewhere. */
export type Outcome = {
  status: AuditStatus;
  meteringRecordId?: string;
  errorCode?: string;
  errorMessage?: string;
};

const KNOWN_STATUSES = new Set<string>(['Success', 'CustomerNotSubscribed', 'DuplicateRecord']);

/** One row of the event: its event fields, the record's fields and AWS's answer. */
export function makeRow(
  event: ParsedAuditEvent,
  recordIndex: number,
  usage: UsageFields | null,
  outcome: Outcome,
  productCode: string | undefined,
): AuditRow {
  const row: AuditRow = {
    eventId: event.eventId,
    recordIndex,
    eventTime: event.eventTime,
    eventName: event.eventName,
    usageHour: hourOf(usage?.usageTime ?? null),
    usageTime: usage?.usageTime ?? null,
    dimension: usage?.dimension ?? '',
    quantity: usage?.quantity ?? 0,
    status: outcome.status,
    region: event.region,
    accountId: event.accountId,
  };
  if (usage?.customerIdentifier !== undefined) row.customerIdentifier = usage.customerIdentifier;
  if (usage?.customerAwsAccountId !== undefined) {
    row.customerAwsAccountId = usage.customerAwsAccountId;
  }
  if (usage?.licenseArn !== undefined) row.licenseArn = usage.licenseArn;
  if (productCode !== undefined) row.productCode = productCode;
  if (usage?.allocations !== undefined) row.allocations = usage.allocations;
  if (outcome.meteringRecordId !== undefined) row.meteringRecordId = outcome.meteringRecordId;
  if (outcome.errorCode !== undefined) row.errorCode = outcome.errorCode;
  if (outcome.errorMessage !== undefined) row.errorMessage = outcome.errorMessage;
  // Event-level fields every row repeats, so a row stands alone in a table or an export; named
  // one by one (a loop over their names is a slow keyed store per field per row).
  if (event.callerArn !== undefined) row.callerArn = event.callerArn;
  if (event.userName !== undefined) row.userName = event.userName;
  if (event.accessKeyId !== undefined) row.accessKeyId = event.accessKeyId;
  if (event.identityType !== undefined) row.identityType = event.identityType;
  if (event.person !== undefined) row.person = event.person;
  if (event.requestId !== undefined) row.requestId = event.requestId;
  if (event.truncated !== undefined) row.truncated = event.truncated;
  return row;
}

function truncatedPart(request: boolean, response: boolean): TruncatedPart | undefined {
  if (request && response) return 'both';
  if (request) return 'requestParameters';
  return response ? 'responseElements' : undefined;
}

function readEnvelope(record: Obj, fallback: ParseFallback): ParseResult {
  const eventId = getStr(record, 'eventID') ?? fallback.eventId;
  if (eventId === undefined) return { ok: false, reason: 'The CloudTrail record has no eventID.' };
  const isoTime = getStr(record, 'eventTime');
  const eventTime =
    (isoTime === undefined ? null : parseUsageTimestamp(isoTime)) ?? fallback.eventTime;
  if (eventTime === undefined) {
    return { ok: false, reason: 'The CloudTrail record has no usable eventTime.' };
  }
  const identityRaw = get(record, 'userIdentity');
  const identity = readIdentity(identityRaw, fallback.username);
  const event: ParsedAuditEvent = {
    eventId,
    eventTime,
    eventName: getStr(record, 'eventName') ?? fallback.eventName ?? '',
    eventSource: getStr(record, 'eventSource') ?? fallback.eventSource ?? '',
    region: getStr(record, 'awsRegion') ?? fallback.region ?? '',
    accountId:
      getStr(record, 'recipientAccountId') ?? identity.accountId ?? fallback.accountId ?? '',
    rows: [],
  };
  const optional: Record<string, string | undefined> = {
    callerArn: identity.arn,
    userName: identity.userName,
    accessKeyId: identity.accessKeyId ?? fallback.accessKeyId,
    identityType: identity.type,
    person: identity.person,
    requestId: getStr(record, 'requestID'),
    errorCode: getStr(record, 'errorCode'),
    errorMessage: getStr(record, 'errorMessage'),
    truncated: truncatedPart(
      isOmitted(get(record, 'requestParameters')),
      isOmitted(get(record, 'responseElements')),
    ),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (event as Record<string, unknown>)[key] = value;
  }
  return { ok: true, event };
}

function failedOutcome(event: ParsedAuditEvent): Outcome | null {
  if (event.errorCode === undefined) return null;
  return {
    status: 'Failed',
    errorCode: event.errorCode,
    ...(event.errorMessage === undefined ? {} : { errorMessage: event.errorMessage }),
  };
}

/** AMI/container metering (seen only in buyer accounts): one record, flat parameters. */
function meterUsageRows(event: ParsedAuditEvent, params: Obj, elements: Obj | null): void {
  const allocations = get(params, 'usageAllocations');
  const rawTime = get(params, 'timestamp');
  const usage: UsageRecord = {
    dimension: getStr(params, 'usageDimension') ?? '',
    usageTime: parseUsageTimestamp(rawTime),
    rawTime: String(rawTime),
    quantity: quantityOf(get(params, 'usageQuantity')),
    ...(allocations == null ? {} : { allocations: JSON.stringify(allocations) }),
  };
  const meteringRecordId = elements ? getStr(elements, 'meteringRecordId') : undefined;
  const answered: Outcome =
    event.truncated === 'responseElements' || event.truncated === 'both'
      ? { status: 'Unknown' }
      : { status: 'Success', ...(meteringRecordId === undefined ? {} : { meteringRecordId }) };
  const request = event.truncated === 'requestParameters' || event.truncated === 'both';
  event.rows.push(
    makeRow(
      event,
      0,
      request ? null : usage,
      failedOutcome(event) ?? answered,
      getStr(params, 'productCode'),
    ),
  );
}

function resultOutcome(result: Obj): Outcome {
  const rawStatus = getStr(result, 'status') ?? '';
  const meteringRecordId = getStr(result, 'meteringRecordId');
  const outcome: Outcome = KNOWN_STATUSES.has(rawStatus)
    ? { status: rawStatus as AuditStatus }
    : // A status AWS adds later: not billed as far as we know, and flagged for a human.
      { status: 'Failed', errorCode: `Status:${rawStatus || 'missing'}` };
  if (meteringRecordId !== undefined) outcome.meteringRecordId = meteringRecordId;
  return outcome;
}

/** What to say about a request record no answer was paired with. */
function missingOutcome(event: ParsedAuditEvent, elements: Obj | null): Outcome {
  if (event.truncated === 'responseElements' || event.truncated === 'both') {
    return {
      status: 'Unknown',
      errorMessage: 'CloudTrail truncated this event: AWS’s answer is not in the record.',
    };
  }
  // Neither billed nor reported unprocessed: say so rather than guess.
  return {
    status: 'Unprocessed',
    errorCode: RESULT_MISSING_CODE,
    errorMessage:
      elements === null
        ? 'The CloudTrail record has no responseElements for this call.'
        : 'The CloudTrail record lists no result for this usage record.',
  };
}

function batchRows(event: ParsedAuditEvent, params: Obj, elements: Obj | null): void {
  const productCode = getStr(params, 'productCode');
  const requested = asArray(get(params, 'usageRecords')).map(readUsageRecord);
  const failed = failedOutcome(event);
  if (failed) {
    // The whole call was rejected: every requested record failed with the call's error.
    const usable = requested.filter((r): r is UsageRecord => r !== null);
    if (usable.length === 0) event.rows.push(makeRow(event, 0, null, failed, productCode));
    else
      usable.forEach((usage, i) => event.rows.push(makeRow(event, i, usage, failed, productCode)));
    return;
  }
  const answers: { usage: UsageRecord | null; outcome: Outcome }[] = [];
  for (const result of elements ? asArray(get(elements, 'results')) : []) {
    if (isObj(result)) {
      answers.push({
        usage: readUsageRecord(get(result, 'usageRecord')),
        outcome: resultOutcome(result),
      });
    }
  }
  for (const unprocessed of elements ? asArray(get(elements, 'unprocessedRecords')) : []) {
    const usage = readUsageRecord(unprocessed);
    if (usage) answers.push({ usage, outcome: { status: 'Unprocessed' } });
  }
  const { answerOf, unpaired } = pairAnswers(
    requested,
    answers.map((a) => a.usage),
  );
  requested.forEach((usage, i) => {
    if (!usage) return;
    const answer = answerOf[i];
    const outcome = answer === undefined ? undefined : answers[answer]?.outcome;
    event.rows.push(
      makeRow(event, i, usage, outcome ?? missingOutcome(event, elements), productCode),
    );
  });
  // Answers whose request record is absent (a truncated request) still count, with the echo's
  // fields when there is one.
  let next = requested.length;
  for (const a of unpaired) {
    const answer = answers[a];
    if (answer) event.rows.push(makeRow(event, next++, answer.usage, answer.outcome, productCode));
  }
  if (event.rows.length === 0 && event.truncated !== undefined) {
    // Nothing readable is left: one row keeps the call visible (and countable) in the explorer.
    event.rows.push(makeRow(event, 0, null, missingOutcome(event, elements), productCode));
  }
}

export function parseCloudTrailEvent(text: string, fallback: ParseFallback = {}): ParseResult {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'The CloudTrail record is not valid JSON.' };
  }
  return parseCloudTrailRecord(record, fallback);
}

/** The same, for a record already parsed from its JSON text. */
export function parseCloudTrailRecord(record: unknown, fallback: ParseFallback = {}): ParseResult {
  if (!isObj(record)) return { ok: false, reason: 'The CloudTrail record is not a JSON object.' };
  const envelope = readEnvelope(record, fallback);
  if (!envelope.ok) return envelope;
  const event = envelope.event;
  const request = get(record, 'requestParameters');
  const response = get(record, 'responseElements');
  const params = isObj(request) && !isOmitted(request) ? request : {};
  const elements = isObj(response) && !isOmitted(response) ? response : null;
  if (event.eventName === 'MeterUsage') meterUsageRows(event, params, elements);
  else if (event.eventName === 'BatchMeterUsage') batchRows(event, params, elements);
  return { ok: true, event };
}

/** Convenience: the rows alone; an unparseable record gives none. */
export function parseAuditRows(text: string, fallback: ParseFallback = {}): AuditRow[] {
  const parsed = parseCloudTrailEvent(text, fallback);
  return parsed.ok ? parsed.event.rows : [];
}
