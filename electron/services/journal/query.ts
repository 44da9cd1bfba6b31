// Reading the journal for people: one row per record per submission (its latest state), the
// submissions themselves, filters, a spreadsheet-safe CSV, and the index of what was already
// billed (for the record editor's would-be-DuplicateRecord warning). Pure over journal lines.
import type {
  JournalFilter,
  JournalRow,
  JournalRowStatus,
  JournalSubmission,
} from '../../../shared/channels/journal';
import type {
  JournalContext,
  JournalLine,
  JournalOperation,
  JournalRecord,
  RecordResult,
} from '../../../shared/journal';
import { finalRecordStatuses, type RecordStatus } from '../../../shared/journal';
import {
  addToTotals,
  billedOnce,
  emptyBillingTotals,
  usageKey,
  type BillingTotals,
} from '../../../shared/billing';
import { csvTable, type CsvColumn } from '../../../shared/csv';
import { recordKey } from '../../../shared/metering';
import { applyRecordNotes, SETTLED_ROW_STATUSES } from './record-notes';

type Wire = Record<string, unknown>;

export type IndexedRow = JournalRow & { record: Wire };

type Call = JournalSubmission['calls'][number] & {
  keys: string[];
  /** What the intent said was sent, and AWS's answer per record (by key). */
  sent: JournalRecord[];
  productCode?: string;
  results: Map<string, RecordResult>;
};

type SubmissionInfo = {
  submissionId: string;
  operation: JournalOperation;
  context: JournalContext;
  startedAt?: string;
  endedAt?: string;
  closed?: 'finished' | 'cancelled';
  resendOf?: string;
  resentBy: string[];
  totalRecords: number;
  rows: Map<string, IndexedRow>;
  calls: Map<string, Call>;
};

export type JournalIndex = {
  submissions: Map<string, SubmissionInfo>;
  /** Newest first. */
  rows: IndexedRow[];
};

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function rowFrom(
  sub: SubmissionInfo,
  key: string,
  record: Wire,
  at: string,
  productCode?: string,
): IndexedRow {
  const customer =
    str(record.CustomerAWSAccountId) ??
    str(record.CustomerIdentifier) ??
    (sub.operation === 'MeterUsage' ? sub.context.account : '');
  const quantity = record.Quantity ?? record.UsageQuantity;
  const pc = productCode ?? str(record.ProductCode);
  const licenseArn = str(record.LicenseArn);
  return {
    submissionId: sub.submissionId,
    key,
    at,
    operation: sub.operation,
    connectionId: sub.context.connectionId,
    connectionName: sub.context.connectionName,
    account: sub.context.account,
    region: sub.context.region,
    osUser: sub.context.osUser,
    ...(pc === undefined ? {} : { productCode: pc }),
    customer,
    ...(licenseArn === undefined ? {} : { licenseArn }),
    dimension: str(record.Dimension) ?? str(record.UsageDimension) ?? '',
    timestamp: str(record.Timestamp) ?? '',
    quantity: typeof quantity === 'number' ? quantity : 0,
    status: 'NotSent',
    attempts: 0,
    ...(sub.resendOf === undefined ? {} : { resendOf: sub.resendOf }),
    record,
  };
}

const isFinal = (status: JournalRowStatus): boolean =>
  finalRecordStatuses.has(status as RecordStatus) || SETTLED_ROW_STATUSES.has(status);

type Submissions = Map<string, SubmissionInfo>;
type EntryOf<K extends JournalLine['kind']> = Extract<JournalLine, { kind: K }>;

function submissionOf(
  submissions: Submissions,
  id: string,
  context: JournalContext,
  operation?: JournalOperation,
): SubmissionInfo {
  let sub = submissions.get(id);
  if (!sub) {
    sub = {
      submissionId: id,
      operation: operation ?? 'BatchMeterUsage',
      context,
      resentBy: [],
      totalRecords: 0,
      rows: new Map(),
      calls: new Map(),
    };
    submissions.set(id, sub);
  }
  return sub;
}

function applyStarted(submissions: Submissions, entry: EntryOf<'submission-started'>): void {
  const sub = submissionOf(submissions, entry.submissionId, entry.context, entry.operation);
  sub.operation = entry.operation;
  sub.context = entry.context;
  sub.startedAt = entry.at;
  sub.totalRecords = entry.totalRecords;
  if (entry.resendOf !== undefined) {
    sub.resendOf = entry.resendOf;
    submissions.get(entry.resendOf)?.resentBy.push(entry.submissionId);
  }
  const productOf = new Map<string, string>();
  for (const g of entry.groups) {
    const keys = (g as { keys?: unknown }).keys;
    if (g.productCode === undefined || !Array.isArray(keys)) continue;
    for (const k of keys) if (typeof k === 'string') productOf.set(k, g.productCode);
  }
  for (const planned of entry.planned ?? []) {
    if (!sub.rows.has(planned.key)) {
      sub.rows.set(
        planned.key,
        rowFrom(sub, planned.key, planned.record, entry.at, productOf.get(planned.key)),
      );
    }
  }
}

function applyIntent(submissions: Submissions, entry: EntryOf<'call-intent'>): void {
  const sub = submissionOf(submissions, entry.submissionId, entry.context, entry.operation);
  const reason = str((entry as { reason?: unknown }).reason);
  sub.calls.set(entry.callId, {
    callId: entry.callId,
    attempt: entry.attempt,
    ...(reason === undefined ? {} : { reason }),
    at: entry.at,
    records: entry.records.length,
    keys: entry.records.map((r) => r.key),
    sent: entry.records,
    ...(entry.productCode === undefined ? {} : { productCode: entry.productCode }),
    results: new Map(),
  });
  for (const r of entry.records) {
    let row = sub.rows.get(r.key);
    if (!row) {
      row = rowFrom(sub, r.key, r.record, entry.at, entry.productCode);
      sub.rows.set(r.key, row);
    }
    if (entry.productCode !== undefined) row.productCode = entry.productCode;
    row.attempts += 1;
    if (isFinal(row.status)) continue;
    row.status = 'NoOutcome';
    row.at = entry.at;
  }
}

/** "Code: message" of one record's error, else the call's. */
function recordErrorText(result: unknown, callError: string | undefined): string | undefined {
  const recordError =
    result === undefined
      ? undefined
      : (result as { error?: { code?: unknown; message?: unknown } }).error;
  return recordError && typeof recordError.message === 'string'
    ? `${typeof recordError.code === 'string' ? `${recordError.code}: ` : ''}${recordError.message}`
    : callError;
}

function applyOutcome(submissions: Submissions, entry: EntryOf<'call-outcome'>): void {
  const sub = submissionOf(submissions, entry.submissionId, entry.context);
  const call = sub.calls.get(entry.callId);
  const callError =
    entry.error === undefined ? undefined : `${entry.error.code}: ${entry.error.message}`;
  if (call) {
    for (const result of entry.results) call.results.set(result.key, result);
    call.outcomeAt = entry.at;
    if (entry.requestId !== undefined) call.requestId = entry.requestId;
    if (entry.httpStatus !== undefined) call.httpStatus = entry.httpStatus;
    if (callError !== undefined) call.error = callError;
  }
  const results = new Map(entry.results.map((r) => [r.key, r]));
  for (const key of call?.keys ?? entry.results.map((r) => r.key)) {
    const row = sub.rows.get(key);
    if (!row || isFinal(row.status)) continue;
    const result = results.get(key);
    row.status = result?.status ?? 'Unknown';
    row.at = entry.at;
    if (result?.meteringRecordId !== undefined) {
      row.meteringRecordId = result.meteringRecordId;
    }
    if (entry.requestId !== undefined) row.requestId = entry.requestId;
    row.callId = entry.callId;
    const message = recordErrorText(result, callError);
    if (message !== undefined) row.error = message;
    else delete row.error;
  }
}

function applyKnownEntry(submissions: Submissions, entry: JournalLine): void {
  switch (entry.kind) {
    case 'submission-started':
      applyStarted(submissions, entry);
      break;
    case 'call-intent':
      applyIntent(submissions, entry);
      break;
    case 'call-outcome':
      applyOutcome(submissions, entry);
      break;
    case 'records-parked':
    case 'records-settled':
      applyRecordNotes(submissionOf(submissions, entry.submissionId, entry.context).rows, entry);
      break;
    case 'submission-finished':
    case 'submission-cancelled': {
      const sub = submissionOf(submissions, entry.submissionId, entry.context);
      sub.closed = entry.kind === 'submission-finished' ? 'finished' : 'cancelled';
      sub.endedAt = entry.at;
      break;
    }
    case 'torn-tail':
      break;
  }
}

function rowState(row: IndexedRow): string {
  return JSON.stringify([row.status, row.at, row.attempts, row.meteringRecordId, row.error]);
}

/** Each row's state, to see what an entry changed. */
function snapshot(submissions: Submissions): Map<IndexedRow, string> {
  const states = new Map<IndexedRow, string>();
  for (const sub of submissions.values()) {
    for (const row of sub.rows.values()) states.set(row, rowState(row));
  }
  return states;
}

/** Applies one entry; rows that an unverified entry creates or changes are marked unverified. */
function applyEntry(submissions: Submissions, entry: JournalLine): void {
  const before = entry.unverified === true ? snapshot(submissions) : null;
  applyKnownEntry(submissions, entry);
  if (before === null) return;
  for (const sub of submissions.values()) {
    for (const row of sub.rows.values()) {
      if (before.get(row) !== rowState(row)) row.unverified = true;
    }
  }
}

/** Every submission's rows, newest first; unresolved rows name the resend that took them over. */
function rowsOf(submissions: Submissions): IndexedRow[] {
  const rows: IndexedRow[] = [];
  for (const sub of submissions.values()) {
    const resentIn = sub.resentBy.at(-1);
    for (const row of sub.rows.values()) {
      if (resentIn !== undefined && !isFinal(row.status)) row.resentIn = resentIn;
      rows.push(row);
    }
  }
  rows.sort((a, b) => (a.at === b.at ? a.key.localeCompare(b.key) : a.at < b.at ? 1 : -1));
  return rows;
}

export function buildIndex(entries: readonly JournalLine[]): JournalIndex {
  const submissions: Submissions = new Map();
  for (const entry of entries) applyEntry(submissions, entry);
  const rows = rowsOf(submissions);
  linkSentLater(rows);
  markBilling(rows);
  return { submissions, rows };
}

/**
 * A record a cancelled or interrupted submission never sent, which a later submission did send
 * (its resume, or a re-import of the same rows), is linked to that submission: it shows "Sent
 * later" with where, not "Not sent". Rows are newest first.
 */
function linkSentLater(rows: IndexedRow[]): void {
  // Final answers per usage key, oldest first: a row links to the first later one, whose
  // answer is the one that stands (a send after it is a replay or a DuplicateRecord).
  const answered = new Map<string, IndexedRow[]>();
  for (let i = rows.length - 1; i >= 0; i -= 1) {
    const row = rows[i];
    if (!row || !finalRecordStatuses.has(row.status as RecordStatus)) continue;
    const key = usageKeyOfRow(row);
    const list = answered.get(key);
    if (list) list.push(row);
    else answered.set(key, [row]);
  }
  for (const row of rows) {
    if (row.status !== 'NotSent') continue;
    const later = answered
      .get(usageKeyOfRow(row))
      ?.find((a) => a.submissionId !== row.submissionId && a.at >= row.at);
    if (later === undefined) continue;
    row.status = 'SentLater';
    row.sentIn = later.submissionId;
  }
}

/** The usage key (shared/billing.ts) of a journaled record. */
function usageKeyOfRow(row: IndexedRow): string {
  const time = Date.parse(row.timestamp);
  return usageKey({
    accountId: row.account,
    region: row.region,
    productCode: row.productCode,
    licenseArn: row.licenseArn,
    customerIdentifier: str(row.record.CustomerIdentifier),
    customerAwsAccountId: str(row.record.CustomerAWSAccountId) ?? row.customer,
    dimension: row.dimension,
    usageTime: Number.isFinite(time) ? time : null,
  });
}

/**
 * Billed once across the whole journal (rows are newest first): the first answer of a
 * MeteringRecordId is billed, the same id in a later submission is a replay of it.
 */
function markBilling(rows: IndexedRow[]): void {
  const oldestFirst = [...rows].reverse();
  const views = billedOnce(oldestFirst, (row) => ({
    status: row.status,
    meteringRecordId: row.meteringRecordId,
    key: usageKeyOfRow(row),
    quantity: row.quantity,
  }));
  oldestFirst.forEach((row, i) => {
    const view = views[i];
    if (!view) return;
    row.billing = view.kind;
    if (view.standingQuantity !== undefined) row.standingQuantity = view.standingQuantity;
    const billed = view.billedAt === undefined ? undefined : oldestFirst[view.billedAt];
    if (billed) row.billedIn = billed.submissionId;
  });
}

/** Billed-once totals of some rows. */
export function billingTotals(rows: readonly JournalRow[]): BillingTotals {
  const totals = emptyBillingTotals();
  for (const row of rows) addToTotals(totals, row.billing ?? 'unknown', row.quantity);
  return totals;
}

function dateBound(text: string | undefined, end: boolean): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const t = text.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(t);
  const ms = Date.parse(dateOnly ? `${t}T00:00:00Z` : t);
  if (Number.isNaN(ms)) return undefined;
  return dateOnly && end ? ms + 86_400_000 - 1 : ms;
}

export function filterRows<T extends JournalRow>(rows: readonly T[], filter: JournalFilter): T[] {
  const customer = filter.customer?.trim().toLowerCase();
  const dimension = filter.dimension?.trim().toLowerCase();
  const statuses = filter.status && filter.status.length > 0 ? new Set(filter.status) : undefined;
  const billing = filter.billing && filter.billing.length > 0 ? new Set(filter.billing) : undefined;
  const from = dateBound(filter.from, false);
  const to = dateBound(filter.to, true);
  return rows.filter((row) => {
    if (
      customer &&
      !row.customer.toLowerCase().includes(customer) &&
      !(row.licenseArn ?? '').toLowerCase().includes(customer)
    ) {
      return false;
    }
    if (dimension && !row.dimension.toLowerCase().includes(dimension)) return false;
    if (statuses && !statuses.has(row.status)) return false;
    if (billing && (row.billing === undefined || !billing.has(row.billing))) return false;
    if (filter.connectionId && row.connectionId !== filter.connectionId) return false;
    if (filter.submissionId && row.submissionId !== filter.submissionId) return false;
    if (from !== undefined || to !== undefined) {
      const at = Date.parse(row.at);
      if (from !== undefined && at < from) return false;
      if (to !== undefined && at > to) return false;
    }
    return true;
  });
}

export function publicRow(row: IndexedRow): JournalRow {
  const rest: JournalRow & { record?: Wire } = { ...row };
  delete rest.record;
  return rest;
}

export function facets(rows: readonly JournalRow[]) {
  const connections = new Map<string, string>();
  const dimensions = new Set<string>();
  const statuses: Record<string, number> = {};
  const billing: Record<string, number> = {};
  for (const row of rows) {
    connections.set(row.connectionId, row.connectionName);
    if (row.dimension !== '') dimensions.add(row.dimension);
    statuses[row.status] = (statuses[row.status] ?? 0) + 1;
    if (row.billing !== undefined) billing[row.billing] = (billing[row.billing] ?? 0) + 1;
  }
  return {
    connections: [...connections].map(([id, name]) => ({ id, name })),
    dimensions: [...dimensions].sort(),
    statuses,
    billing,
  };
}

export function submissionDetail(
  index: JournalIndex,
  submissionId: string,
  running: boolean,
): JournalSubmission | undefined {
  const sub = index.submissions.get(submissionId);
  if (!sub) return undefined;
  const rows = [...sub.rows.values()].map(publicRow);
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
  const unresolved = rows.some((row) => !isFinal(row.status));
  const state = sub.closed
    ? sub.closed
    : running
      ? 'running'
      : sub.resentBy.length > 0
        ? 'resumed'
        : unresolved || rows.length < sub.totalRecords
          ? 'interrupted'
          : 'finished';
  return {
    submissionId,
    operation: sub.operation,
    context: sub.context,
    ...(sub.startedAt === undefined ? {} : { startedAt: sub.startedAt }),
    ...(sub.endedAt === undefined ? {} : { endedAt: sub.endedAt }),
    state,
    ...(sub.resendOf === undefined ? {} : { resendOf: sub.resendOf }),
    resentBy: sub.resentBy,
    totalRecords: sub.totalRecords,
    counts,
    billing: billingTotals(rows),
    calls: [...sub.calls.values()].map((call) => {
      const out: Partial<Call> = { ...call };
      delete out.keys;
      delete out.sent;
      delete out.productCode;
      delete out.results;
      return out as JournalSubmission['calls'][number];
    }),
    rows,
  };
}

// ------------------------------------------------------------------------------------------------
// Export

export const EXPORT_COLUMNS: readonly CsvColumn<JournalRow>[] = [
  { name: 'at', kind: 'text', value: (r) => r.at },
  { name: 'submissionId', kind: 'id', value: (r) => r.submissionId },
  { name: 'key', kind: 'id', value: (r) => r.key },
  { name: 'status', kind: 'text', value: (r) => r.status },
  { name: 'billing', kind: 'text', value: (r) => r.billing },
  { name: 'standingQuantity', kind: 'number', value: (r) => r.standingQuantity },
  { name: 'billedIn', kind: 'id', value: (r) => r.billedIn },
  { name: 'customer', kind: 'id', value: (r) => r.customer },
  { name: 'licenseArn', kind: 'id', value: (r) => r.licenseArn },
  { name: 'productCode', kind: 'id', value: (r) => r.productCode },
  { name: 'dimension', kind: 'text', value: (r) => r.dimension },
  { name: 'timestamp', kind: 'text', value: (r) => r.timestamp },
  { name: 'quantity', kind: 'number', value: (r) => r.quantity },
  { name: 'meteringRecordId', kind: 'id', value: (r) => r.meteringRecordId },
  { name: 'requestId', kind: 'id', value: (r) => r.requestId },
  { name: 'error', kind: 'text', value: (r) => r.error },
  { name: 'attempts', kind: 'number', value: (r) => r.attempts },
  { name: 'operation', kind: 'text', value: (r) => r.operation },
  { name: 'connectionName', kind: 'text', value: (r) => r.connectionName },
  { name: 'connectionId', kind: 'id', value: (r) => r.connectionId },
  { name: 'account', kind: 'id', value: (r) => r.account },
  { name: 'region', kind: 'text', value: (r) => r.region },
  { name: 'osUser', kind: 'text', value: (r) => r.osUser },
  { name: 'resendOf', kind: 'id', value: (r) => r.resendOf },
  { name: 'resentIn', kind: 'id', value: (r) => r.resentIn },
  { name: 'callId', kind: 'id', value: (r) => r.callId },
  { name: 'sentIn', kind: 'id', value: (r) => r.sentIn },
];

/** IDs (account ids, customers, request ids) as text cells, so leading zeros survive Excel. */
export function toCsv(rows: readonly JournalRow[]): string {
  return csvTable(EXPORT_COLUMNS, rows);
}

// ------------------------------------------------------------------------------------------------
// Sent index

/** The dedup key (shared/metering.ts recordKey) of a journaled record. */
export function keyOfRow(row: IndexedRow): string {
  const r = row.record;
  const customerIdentifier = str(r.CustomerIdentifier);
  const customerAwsAccountId = str(r.CustomerAWSAccountId);
  return recordKey({
    operation: row.operation,
    ...(row.productCode === undefined ? {} : { productCode: row.productCode }),
    ...(row.licenseArn === undefined ? {} : { licenseArn: row.licenseArn }),
    ...(customerIdentifier === undefined ? {} : { customerIdentifier }),
    ...(customerAwsAccountId === undefined ? {} : { customerAwsAccountId }),
    dimension: row.dimension,
    timestamp: row.timestamp,
  });
}

export type SentEntry = {
  key: string;
  quantity: number;
  meteringRecordId?: string;
  submissionId: string;
  at: string;
};

/** Successfully billed records of one account and region, by dedup key (first one stands). */
export function sentIndex(
  rows: readonly IndexedRow[],
  scope: { account: string; region: string },
): Map<string, SentEntry> {
  const map = new Map<string, SentEntry>();
  // Oldest first, so the first billed quantity is the one kept (AWS keeps the first too).
  for (let i = rows.length - 1; i >= 0; i -= 1) {
    const row = rows[i];
    if (!row || row.status !== 'Success') continue;
    if (row.account !== scope.account || row.region !== scope.region) continue;
    const key = keyOfRow(row);
    if (map.has(key)) continue;
    map.set(key, {
      key,
      quantity: row.quantity,
      ...(row.meteringRecordId === undefined ? {} : { meteringRecordId: row.meteringRecordId }),
      submissionId: row.submissionId,
      at: row.at,
    });
  }
  return map;
}

// ------------------------------------------------------------------------------------------------
// Calls by AWS request id (CloudTrail's requestID names the same call)

export type JournalCallView = {
  submissionId: string;
  callId: string;
  account: string;
  region: string;
  operation: JournalOperation;
  productCode?: string;
  /** The records as sent, in request order, each with AWS's answer when one was journaled. */
  records: { key: string; record: Wire; status?: RecordStatus; meteringRecordId?: string }[];
};

/** Every answered call of the journal by the request id AWS gave it. */
export function callsByRequestId(index: JournalIndex): Map<string, JournalCallView> {
  const out = new Map<string, JournalCallView>();
  for (const sub of index.submissions.values()) {
    for (const call of sub.calls.values()) {
      if (call.requestId === undefined) continue;
      out.set(call.requestId, {
        submissionId: sub.submissionId,
        callId: call.callId,
        account: sub.context.account,
        region: sub.context.region,
        operation: sub.operation,
        ...(call.productCode === undefined ? {} : { productCode: call.productCode }),
        records: call.sent.map((r) => {
          const result = call.results.get(r.key);
          return {
            key: r.key,
            record: r.record,
            ...(result === undefined ? {} : { status: result.status }),
            ...(result?.meteringRecordId === undefined
              ? {}
              : { meteringRecordId: result.meteringRecordId }),
          };
        }),
      });
    }
  }
  return out;
}
