// Turns one metering call (as the protocol layer saw it) into a CloudTrail record in the layout
// AWS documents for metering events (AWS-FACTS §2.6). Kept apart from the store so the history
// generator can use it without an import cycle.
import type { MeteringCallRecord, SandboxIdentity, StoredCloudTrailEvent } from './types';

export const METERING_EVENT_SOURCE = 'metering-marketplace.amazonaws.com';
/** AWS replaces sensitive request members with this marker; the token must never be logged. */
export const HIDDEN_VALUE = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/**
 * CONFLICT (AWS-FACTS §2.6): the documented sample spells `customerAWSAccountID`, a 2026
 * AWS-authored script reads `customerAWSAccountId`. Live events use the documented spelling;
 * the history generator writes the other one for part of its events so the app's parser is
 * exercised on both.
 */
export type AccountIdKey = 'customerAWSAccountID' | 'customerAWSAccountId';
export const DEFAULT_ACCOUNT_ID_KEY: AccountIdKey = 'customerAWSAccountID';

export type BuildOptions = { accountIdKey?: AccountIdKey };

/**
 * CloudTrail truncates a field whose content exceeds its maximum field size and writes
 * `{"omitted": true}` in its place (CloudTrail record-contents documentation, AWS-FACTS §0.1).
 * The size AWS quotes for responseElements is 100 KB; the same limit is applied to
 * requestParameters, so a BatchMeterUsage batch with many allocations (25 records × 2,500
 * allocations is legal and far larger) loses its request, its response, or both.
 */
export const CLOUDTRAIL_FIELD_LIMIT_BYTES = 100 * 1024;

/** What CloudTrail writes for a truncated field. */
export const OMITTED_FIELD = Object.freeze({ omitted: true });

/**
 * Errors CloudTrail logs before the service read the request (authorization): their records
 * carry `requestParameters: null`, as CloudTrail shows for AccessDenied events.
 */
const UNREAD_REQUEST_ERRORS = new Set(['AccessDenied', 'AccessDeniedException']);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Java DateFormat medium, en-US, UTC, no zone: epoch 1524155570 s → "Apr 19, 2018 4:32:50 PM". */
let lastJavaSecond = Number.NaN;
let lastJavaText = '';

export function formatJavaTimestamp(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  // A batch repeats the same hour in every record: remember the last answer.
  if (second === lastJavaSecond) return lastJavaText;
  lastJavaText = javaTimestamp(second);
  lastJavaSecond = second;
  return lastJavaText;
}

function javaTimestamp(second: number): string {
  const d = new Date(second * 1000);
  const hours = d.getUTCHours();
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  const month = MONTHS[d.getUTCMonth()] ?? 'Jan';
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h12}:${mm}:${ss} ${hours < 12 ? 'AM' : 'PM'}`;
}

/** CloudTrail eventTime: ISO-8601 to the second, e.g. 2018-04-19T16:32:51Z. */
export function formatEventTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Wire timestamps are epoch seconds; tolerate ISO strings and Dates from looser callers. */
function wireTimestampToMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' && value.trim() !== '') {
    const asNumber = Number(value);
    if (Number.isFinite(asNumber)) return asNumber * 1000;
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const camelCache = new Map<string, string>();

function lowerFirst(key: string): string {
  let camel = camelCache.get(key);
  if (camel === undefined) {
    camel = key.charAt(0).toLowerCase() + key.slice(1);
    camelCache.set(key, camel);
  }
  return camel;
}

const TIMESTAMP_KEYS = new Set(['Timestamp', 'PublicKeyRotationTimestamp']);

/** PascalCase wire body → CloudTrail's lowerCamel keys, timestamps as Java-style strings. */
function toCloudTrailShape(value: unknown, accountIdKey: AccountIdKey): unknown {
  if (Array.isArray(value)) return value.map((item) => toCloudTrailShape(item, accountIdKey));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    if (TIMESTAMP_KEYS.has(key)) {
      const ms = wireTimestampToMs(member);
      out[lowerFirst(key)] = ms === undefined ? member : formatJavaTimestamp(ms);
    } else if (key === 'CustomerAWSAccountId') {
      out[accountIdKey] = member;
    } else {
      out[lowerFirst(key)] = toCloudTrailShape(member, accountIdKey);
    }
  }
  return out;
}

// Member order in the documented sample: dimension, timestamp, customer ids, quantity.
const USAGE_RECORD_MEMBERS: [string, string][] = [
  ['Dimension', 'dimension'],
  ['Timestamp', 'timestamp'],
  ['CustomerIdentifier', 'customerIdentifier'],
  ['CustomerAWSAccountId', ''],
  ['LicenseArn', 'licenseArn'],
  ['Quantity', 'quantity'],
];
const USAGE_RECORD_KNOWN = new Set(USAGE_RECORD_MEMBERS.map(([pascal]) => pascal));

/** One UsageRecord in CloudTrail form; a direct path because history builds millions of them. */
function usageRecordToCloudTrail(record: unknown, key: AccountIdKey): unknown {
  if (!isRecord(record)) return record;
  const out: Record<string, unknown> = {};
  for (const [pascal, camel] of USAGE_RECORD_MEMBERS) {
    const member = record[pascal];
    if (member === undefined) continue;
    if (pascal === 'Timestamp') {
      const ms = wireTimestampToMs(member);
      out[camel] = ms === undefined ? member : formatJavaTimestamp(ms);
    } else {
      out[camel === '' ? key : camel] = member;
    }
  }
  for (const [pascal, member] of Object.entries(record)) {
    if (member === undefined || USAGE_RECORD_KNOWN.has(pascal)) continue;
    out[lowerFirst(pascal)] = toCloudTrailShape(member, key);
  }
  return out;
}

/** Per-call memo: a response echoes the request's record objects, convert each only once. */
type Converted = Map<unknown, unknown>;

function convertOnce(record: unknown, key: AccountIdKey, memo: Converted): unknown {
  let out = memo.get(record);
  if (out === undefined) {
    out = usageRecordToCloudTrail(record, key);
    memo.set(record, out);
  }
  return out;
}

function usageRecordsToCloudTrail(records: unknown, key: AccountIdKey, memo: Converted): unknown[] {
  return Array.isArray(records) ? records.map((r) => convertOnce(r, key, memo)) : [];
}

function requestParameters(
  call: MeteringCallRecord,
  key: AccountIdKey,
  memo: Converted,
): Record<string, unknown> {
  const req = call.request;
  switch (call.operation) {
    case 'BatchMeterUsage': {
      const params: Record<string, unknown> = {
        usageRecords: usageRecordsToCloudTrail(req.UsageRecords, key, memo),
      };
      // Concurrent-agreements calls carry no ProductCode, so the record has none either.
      if (typeof req.ProductCode === 'string') params.productCode = req.ProductCode;
      return params;
    }
    case 'MeterUsage': {
      const ms = wireTimestampToMs(req.Timestamp);
      const params: Record<string, unknown> = {
        productCode: req.ProductCode,
        timestamp: ms === undefined ? req.Timestamp : formatJavaTimestamp(ms),
        usageDimension: req.UsageDimension,
        usageQuantity: req.UsageQuantity ?? 0,
        dryRun: req.DryRun ?? false,
      };
      if (req.UsageAllocations !== undefined) {
        params.usageAllocations = toCloudTrailShape(req.UsageAllocations, key);
      }
      return params;
    }
    case 'RegisterUsage': {
      const params: Record<string, unknown> = {
        productCode: req.ProductCode,
        publicKeyVersion: req.PublicKeyVersion,
      };
      if (req.Nonce !== undefined) params.nonce = req.Nonce;
      return params;
    }
    case 'ResolveCustomer':
      return { registrationToken: HIDDEN_VALUE };
  }
}

function responseElements(call: MeteringCallRecord, key: AccountIdKey, memo: Converted): unknown {
  if (call.error || !call.response) return null;
  const res = call.response;
  if (call.operation === 'BatchMeterUsage') {
    const results = Array.isArray(res.Results)
      ? res.Results.map((r: unknown) => {
          if (!isRecord(r)) return r;
          const out: Record<string, unknown> = {};
          for (const [pascal, member] of Object.entries(r)) {
            if (member === undefined) continue;
            out[lowerFirst(pascal)] =
              pascal === 'UsageRecord'
                ? convertOnce(member, key, memo)
                : toCloudTrailShape(member, key);
          }
          return out;
        })
      : [];
    return {
      results,
      unprocessedRecords: usageRecordsToCloudTrail(res.UnprocessedRecords, key, memo),
    };
  }
  return toCloudTrailShape(res, key);
}

/** The IAM path of a role: IAM Identity Center's permission-set roles live under aws-reserved. */
function roleArn(accountId: string, roleName: string): string {
  return roleName.startsWith('AWSReservedSSO_')
    ? `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/${roleName}`
    : `arn:aws:iam::${accountId}:role/${roleName}`;
}

function userIdentity(identity: SandboxIdentity, eventTimeIso: string): Record<string, unknown> {
  const base: Record<string, unknown> = {
    type: identity.type,
    principalId: identity.principalId,
    arn: identity.arn,
    accountId: identity.accountId,
    accessKeyId: identity.accessKeyId,
  };
  if (identity.type === 'IAMUser') {
    base.userName = identity.userName;
    return base;
  }
  // Root carries userName only when the account has an alias; the sandbox's has none.
  if (identity.type === 'Root') return base;
  // Assumed roles carry no top-level userName in CloudTrail; the role shows in sessionIssuer.
  const roleName = /:assumed-role\/([^/]+)\//.exec(identity.arn)?.[1] ?? identity.userName;
  base.sessionContext = {
    sessionIssuer: {
      type: 'Role',
      principalId: identity.principalId.split(':')[0] ?? identity.principalId,
      arn: roleArn(identity.accountId, roleName),
      accountId: identity.accountId,
      userName: roleName,
    },
    attributes: { creationDate: eventTimeIso, mfaAuthenticated: 'false' },
  };
  return base;
}

/** The name LookupEvents' Username attribute matches: user name, or the role session name. */
export function lookupUsername(identity: SandboxIdentity): string {
  if (identity.type === 'Root') return 'root';
  if (identity.type === 'AssumedRole') {
    const session = identity.arn.split('/').pop();
    if (session) return session;
  }
  return identity.userName;
}

export function buildCloudTrailEvent(
  call: MeteringCallRecord,
  eventId: string,
  options: BuildOptions = {},
): StoredCloudTrailEvent {
  return {
    eventId,
    eventName: call.operation,
    eventSource: METERING_EVENT_SOURCE,
    // CloudTrail keeps whole seconds; store the same so EventTime and the JSON agree.
    eventTime: Math.floor(call.time / 1000) * 1000,
    readOnly: 'false',
    accessKeyId: call.identity.accessKeyId,
    username: lookupUsername(call.identity),
    resources: [],
    cloudTrailEvent: buildCloudTrailJson(call, eventId, options),
  };
}

/** The `CloudTrailEvent` JSON text alone (the history generator builds it lazily). */
export function buildCloudTrailJson(
  call: MeteringCallRecord,
  eventId: string,
  options: BuildOptions = {},
): string {
  const key = options.accountIdKey ?? DEFAULT_ACCOUNT_ID_KEY;
  const eventTime = formatEventTime(call.time);
  const record: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: userIdentity(call.identity, eventTime),
    eventTime,
    eventSource: METERING_EVENT_SOURCE,
    eventName: call.operation,
    awsRegion: call.region,
    sourceIPAddress: call.sourceIpAddress,
    userAgent: call.userAgent,
  };
  if (call.error) {
    record.errorCode = call.error.code;
    record.errorMessage = call.error.message;
  }
  const memo: Converted = new Map();
  record.requestParameters =
    call.error && UNREAD_REQUEST_ERRORS.has(call.error.code)
      ? null
      : requestParameters(call, key, memo);
  record.responseElements = responseElements(call, key, memo);
  record.requestID = call.requestId;
  record.eventID = eventId;
  record.readOnly = false;
  record.eventType = 'AwsApiCall';
  record.managementEvent = true;
  record.recipientAccountId = call.identity.accountId;
  record.eventCategory = 'Management';
  return truncateOversizedFields(record);
}

/** The record as JSON text, with every field over CloudTrail's field size omitted. */
function truncateOversizedFields(record: Record<string, unknown>): string {
  const text = JSON.stringify(record);
  // A whole record under the limit cannot hold a field over it.
  if (Buffer.byteLength(text, 'utf8') <= CLOUDTRAIL_FIELD_LIMIT_BYTES) return text;
  let changed = false;
  for (const field of ['requestParameters', 'responseElements'] as const) {
    const value = record[field];
    if (value === null || value === undefined) continue;
    if (Buffer.byteLength(JSON.stringify(value), 'utf8') > CLOUDTRAIL_FIELD_LIMIT_BYTES) {
      record[field] = OMITTED_FIELD;
      changed = true;
    }
  }
  return changed ? JSON.stringify(record) : text;
}
