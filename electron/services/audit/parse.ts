// CloudTrail record (the `CloudTrailEvent` JSON string) → one AuditRow per usage record.
// Follows AWS-FACTS §2.6: lowerCamel keys matched case-insensitively (customerAWSAccountID vs
// …Id), Java-style UTC timestamps, null responseElements on failed calls, no productCode for
// Concurrent Agreements. Rows reference their event by id; the raw text is kept elsewhere.
import {
  HOUR_MS,
  RESULT_MISSING_CODE,
  type AuditRow,
  type AuditStatus,
} from '../../../shared/audit';

type Obj = Record<string, unknown>;

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
  errorCode?: string;
  errorMessage?: string;
  rows: AuditRow[];
};

export type ParseResult = { ok: true; event: ParsedAuditEvent } | { ok: false; reason: string };

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Exact key first (the common case), then a case-insensitive scan of the object's own keys. */
function get(obj: Obj, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
  return undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function getStr(obj: Obj, name: string): string | undefined {
  return str(get(obj, name));
}

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

// Java DateFormat medium en-US: "Apr 19, 2018 4:32:50 PM". Newer JDKs put U+202F (narrow
// no-break space) before AM/PM; some locales U+00A0. Always UTC, no zone marker.
const JAVA_TIMESTAMP =
  /^([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{1,2}),?\s+(\d{4}),?[\s\u00a0\u202f]+(\d{1,2}):(\d{2})(?::(\d{2}))?[\s\u00a0\u202f]*([AaPp])\.?[Mm]\.?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;
const HAS_ZONE = /(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/** Epoch ms from a Java-style string, ISO-8601, or epoch seconds/millis; null if none fits. */
export function parseUsageTimestamp(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? epochToMs(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return null;
  const java = JAVA_TIMESTAMP.exec(text);
  if (java) {
    const month = MONTHS[(java[1] ?? '').toLowerCase()];
    if (month === undefined) return null;
    let hour = Number(java[4]);
    if (hour < 1 || hour > 12) return null;
    const pm = (java[7] ?? '').toLowerCase() === 'p';
    if (hour === 12) hour = 0;
    if (pm) hour += 12;
    const ms = Date.UTC(
      Number(java[3]),
      month,
      Number(java[2]),
      hour,
      Number(java[5]),
      Number(java[6] ?? 0),
    );
    return Number.isFinite(ms) ? ms : null;
  }
  if (ISO_DATE.test(text)) {
    // A zone-less ISO date-time would be read as local time; CloudTrail means UTC.
    const withZone = text.length > 10 && !HAS_ZONE.test(text) ? `${text}Z` : text;
    const ms = Date.parse(withZone);
    return Number.isFinite(ms) ? ms : null;
  }
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return epochToMs(Number(text));
  return null;
}

function epochToMs(n: number): number | null {
  if (!Number.isFinite(n) || n < 0) return null;
  // Below 1e11 it can only be seconds (1e11 ms is 1973; 1e11 s is the year 5138).
  return Math.round(n < 1e11 ? n * 1000 : n);
}

function quantityOf(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.trunc(n) : 0;
}

type UsageRecord = {
  dimension: string;
  usageTime: number | null;
  customerIdentifier?: string;
  customerAwsAccountId?: string;
  licenseArn?: string;
  quantity: number;
  allocations?: string;
  /** Identity used to pair a result with its request record. */
  key: string;
  /** The same without time and quantity, for echoes that reformat those. */
  looseKey: string;
};

function readUsageRecord(value: unknown): UsageRecord | null {
  if (!isObj(value)) return null;
  const dimension = getStr(value, 'dimension') ?? '';
  const rawTime = get(value, 'timestamp');
  const usageTime = parseUsageTimestamp(rawTime);
  const customerIdentifier = getStr(value, 'customerIdentifier');
  const customerAwsAccountId = getStr(value, 'customerAWSAccountId');
  const licenseArn = getStr(value, 'licenseArn');
  const quantity = quantityOf(get(value, 'quantity'));
  const rawAllocations = get(value, 'usageAllocations');
  const looseKey = [dimension, customerIdentifier, customerAwsAccountId, licenseArn].join('\u0001');
  const record: UsageRecord = {
    dimension,
    usageTime,
    quantity,
    key: `${looseKey}\u0001${usageTime ?? String(rawTime)}\u0001${quantity}`,
    looseKey,
  };
  if (customerIdentifier !== undefined) record.customerIdentifier = customerIdentifier;
  if (customerAwsAccountId !== undefined) record.customerAwsAccountId = customerAwsAccountId;
  if (licenseArn !== undefined) record.licenseArn = licenseArn;
  if (rawAllocations !== undefined && rawAllocations !== null) {
    record.allocations = JSON.stringify(rawAllocations);
  }
  return record;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

const KNOWN_STATUSES = new Set<string>(['Success', 'CustomerNotSubscribed', 'DuplicateRecord']);

type Outcome = {
  status: AuditStatus;
  meteringRecordId?: string;
  errorCode?: string;
  errorMessage?: string;
};

export function parseCloudTrailEvent(text: string, fallback: ParseFallback = {}): ParseResult {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'The CloudTrail record is not valid JSON.' };
  }
  if (!isObj(record)) return { ok: false, reason: 'The CloudTrail record is not a JSON object.' };

  const identity = get(record, 'userIdentity');
  const user = isObj(identity) ? identity : {};
  const session = get(user, 'sessionContext');
  const issuer = isObj(session) ? get(session, 'sessionIssuer') : undefined;

  const eventId = getStr(record, 'eventID') ?? fallback.eventId;
  if (eventId === undefined) return { ok: false, reason: 'The CloudTrail record has no eventID.' };
  const isoTime = getStr(record, 'eventTime');
  const parsedTime = isoTime === undefined ? null : parseUsageTimestamp(isoTime);
  const eventTime = parsedTime ?? fallback.eventTime;
  if (eventTime === undefined) {
    return { ok: false, reason: 'The CloudTrail record has no usable eventTime.' };
  }

  const event: ParsedAuditEvent = {
    eventId,
    eventTime,
    eventName: getStr(record, 'eventName') ?? fallback.eventName ?? '',
    eventSource: getStr(record, 'eventSource') ?? fallback.eventSource ?? '',
    region: getStr(record, 'awsRegion') ?? fallback.region ?? '',
    accountId:
      getStr(record, 'recipientAccountId') ?? getStr(user, 'accountId') ?? fallback.accountId ?? '',
    rows: [],
  };
  const callerArn = getStr(user, 'arn');
  const userName =
    getStr(user, 'userName') ??
    (isObj(issuer) ? getStr(issuer, 'userName') : undefined) ??
    fallback.username;
  const accessKeyId = getStr(user, 'accessKeyId') ?? fallback.accessKeyId;
  const errorCode = getStr(record, 'errorCode');
  const errorMessage = getStr(record, 'errorMessage');
  if (callerArn !== undefined) event.callerArn = callerArn;
  if (userName !== undefined) event.userName = userName;
  if (accessKeyId !== undefined) event.accessKeyId = accessKeyId;
  if (errorCode !== undefined) event.errorCode = errorCode;
  if (errorMessage !== undefined) event.errorMessage = errorMessage;

  const request = get(record, 'requestParameters');
  const params = isObj(request) ? request : {};
  const response = get(record, 'responseElements');
  const elements = isObj(response) ? response : null;

  const makeRow = (recordIndex: number, usage: UsageRecord | null, outcome: Outcome): AuditRow => {
    const row: AuditRow = {
      eventId,
      recordIndex,
      eventTime,
      eventName: event.eventName,
      usageHour: usage?.usageTime == null ? null : Math.floor(usage.usageTime / HOUR_MS) * HOUR_MS,
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
    const productCode = getStr(params, 'productCode');
    if (productCode !== undefined) row.productCode = productCode;
    if (usage?.allocations !== undefined) row.allocations = usage.allocations;
    if (outcome.meteringRecordId !== undefined) row.meteringRecordId = outcome.meteringRecordId;
    if (outcome.errorCode !== undefined) row.errorCode = outcome.errorCode;
    if (outcome.errorMessage !== undefined) row.errorMessage = outcome.errorMessage;
    if (callerArn !== undefined) row.callerArn = callerArn;
    if (userName !== undefined) row.userName = userName;
    if (accessKeyId !== undefined) row.accessKeyId = accessKeyId;
    return row;
  };

  const failed: Outcome | null =
    errorCode === undefined
      ? null
      : {
          status: 'Failed',
          errorCode,
          ...(errorMessage === undefined ? {} : { errorMessage }),
        };

  if (event.eventName === 'MeterUsage') {
    // AMI/container metering (seen only in buyer accounts): one record, flat parameters.
    const usageTime = parseUsageTimestamp(get(params, 'timestamp'));
    const allocations = get(params, 'usageAllocations');
    const usage: UsageRecord = {
      dimension: getStr(params, 'usageDimension') ?? '',
      usageTime,
      quantity: quantityOf(get(params, 'usageQuantity')),
      key: '',
      looseKey: '',
      ...(allocations == null ? {} : { allocations: JSON.stringify(allocations) }),
    };
    const meteringRecordId = elements ? getStr(elements, 'meteringRecordId') : undefined;
    event.rows.push(
      makeRow(
        0,
        usage,
        failed ?? {
          status: 'Success',
          ...(meteringRecordId === undefined ? {} : { meteringRecordId }),
        },
      ),
    );
    return { ok: true, event };
  }
  if (event.eventName !== 'BatchMeterUsage') return { ok: true, event };

  const requested = asArray(get(params, 'usageRecords')).map(readUsageRecord);

  if (failed) {
    // The whole call was rejected: every requested record failed with the call's error.
    const usable = requested.filter((r): r is UsageRecord => r !== null);
    if (usable.length === 0) event.rows.push(makeRow(0, null, failed));
    else usable.forEach((usage, i) => event.rows.push(makeRow(i, usage, failed)));
    return { ok: true, event };
  }

  // Pair each result (or unprocessed record) with its request record by content, since AWS
  // does not promise the same order; duplicates in the request are consumed in order.
  const byKey = new Map<string, number[]>();
  const byLooseKey = new Map<string, number[]>();
  const index = (map: Map<string, number[]>, key: string, i: number): void => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  requested.forEach((usage, i) => {
    if (!usage) return;
    index(byKey, usage.key, i);
    index(byLooseKey, usage.looseKey, i);
  });
  const outcomes = new Array<Outcome | undefined>(requested.length);
  const take = (list: number[] | undefined): number | undefined => {
    while (list && list.length > 0) {
      const i = list.shift();
      if (i !== undefined && outcomes[i] === undefined) return i;
    }
    return undefined;
  };
  const extra: { usage: UsageRecord | null; outcome: Outcome }[] = [];
  const assign = (usage: UsageRecord | null, outcome: Outcome): void => {
    const i = usage
      ? (take(byKey.get(usage.key)) ?? take(byLooseKey.get(usage.looseKey)))
      : undefined;
    if (i === undefined) extra.push({ usage, outcome });
    else outcomes[i] = outcome;
  };

  const results = elements ? asArray(get(elements, 'results')) : [];
  for (const result of results) {
    if (!isObj(result)) continue;
    const usage = readUsageRecord(get(result, 'usageRecord'));
    const rawStatus = getStr(result, 'status') ?? '';
    const meteringRecordId = getStr(result, 'meteringRecordId');
    const outcome: Outcome = KNOWN_STATUSES.has(rawStatus)
      ? { status: rawStatus as AuditStatus }
      : // A status AWS adds later: not billed as far as we know, and flagged for a human.
        { status: 'Failed', errorCode: `Status:${rawStatus || 'missing'}` };
    if (meteringRecordId !== undefined) outcome.meteringRecordId = meteringRecordId;
    assign(usage, outcome);
  }
  if (elements) {
    for (const unprocessed of asArray(get(elements, 'unprocessedRecords'))) {
      assign(readUsageRecord(unprocessed), { status: 'Unprocessed' });
    }
  }

  let next = requested.length;
  requested.forEach((usage, i) => {
    if (!usage) return;
    event.rows.push(
      makeRow(
        i,
        usage,
        outcomes[i] ?? {
          // Neither billed nor reported unprocessed: say so rather than guess.
          status: 'Unprocessed',
          errorCode: RESULT_MISSING_CODE,
          errorMessage:
            elements === null
              ? 'The CloudTrail record has no responseElements for this call.'
              : 'The CloudTrail record lists no result for this usage record.',
        },
      ),
    );
  });
  // Results whose request record is absent (e.g. a truncated request) still count.
  for (const { usage, outcome } of extra) event.rows.push(makeRow(next++, usage, outcome));
  return { ok: true, event };
}

/** Convenience: the rows alone; an unparseable record gives none. */
export function parseAuditRows(text: string, fallback: ParseFallback = {}): AuditRow[] {
  const parsed = parseCloudTrailEvent(text, fallback);
  return parsed.ok ? parsed.event.rows : [];
}
