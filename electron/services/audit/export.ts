// Audit exports: the filtered rows as CSV (spreadsheet-safe, IDs as text) or JSON, and the
// evidence pack: a zip of the chosen events' raw records exactly as received, a readable
// summary, their rows as CSV and JSON, the records as Parquet, manifest.json and SHA256SUMS
// (sha256sum's own format), so `sha256sum -c SHA256SUMS` checks every file once unzipped.
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import type { AuditFilter } from '../../../shared/audit';
import { csvTable, type CsvColumn } from '../../../shared/csv';
import { addToTotals, emptyBillingTotals } from '../../../shared/billing';
import type { AuditExplorerRow } from '../../../shared/channels/audit';

const iso = (ms: number | null | undefined): string | undefined =>
  ms === null || ms === undefined ? undefined : new Date(ms).toISOString();

export const AUDIT_CSV_COLUMNS: readonly CsvColumn<AuditExplorerRow>[] = [
  { name: 'event_time_utc', kind: 'text', value: (r) => iso(r.eventTime) },
  { name: 'usage_hour_utc', kind: 'text', value: (r) => iso(r.usageHour) },
  { name: 'usage_time_utc', kind: 'text', value: (r) => iso(r.usageTime) },
  { name: 'customer_aws_account_id', kind: 'id', value: (r) => r.customerAwsAccountId },
  { name: 'customer_identifier', kind: 'id', value: (r) => r.customerIdentifier },
  { name: 'license_arn', kind: 'id', value: (r) => r.licenseArn },
  { name: 'product_code', kind: 'id', value: (r) => r.productCode },
  { name: 'dimension', kind: 'text', value: (r) => r.dimension },
  // Quantities are whole numbers: written as numbers, never rounded.
  { name: 'quantity', kind: 'number', value: (r) => r.quantity },
  { name: 'allocations', kind: 'text', value: (r) => r.allocations },
  { name: 'status', kind: 'text', value: (r) => r.status },
  // Billed once (shared/billing.ts): billed, replay, duplicate, not-billed or unknown.
  { name: 'billing', kind: 'text', value: (r) => r.billing },
  { name: 'standing_quantity', kind: 'number', value: (r) => r.standingQuantity },
  { name: 'error_code', kind: 'text', value: (r) => r.errorCode },
  { name: 'error_message', kind: 'text', value: (r) => r.errorMessage },
  { name: 'metering_record_id', kind: 'id', value: (r) => r.meteringRecordId },
  { name: 'event_name', kind: 'text', value: (r) => r.eventName },
  { name: 'caller_arn', kind: 'id', value: (r) => r.callerArn },
  { name: 'user_name', kind: 'text', value: (r) => r.userName },
  { name: 'access_key_id', kind: 'id', value: (r) => r.accessKeyId },
  { name: 'identity_type', kind: 'text', value: (r) => r.identityType },
  { name: 'person', kind: 'text', value: (r) => r.person },
  { name: 'request_id', kind: 'id', value: (r) => r.requestId },
  { name: 'truncated_by_cloudtrail', kind: 'text', value: (r) => r.truncated },
  { name: 'filled_from', kind: 'text', value: (r) => r.filledFrom },
  { name: 'region', kind: 'text', value: (r) => r.region },
  { name: 'account_id', kind: 'id', value: (r) => r.accountId },
  { name: 'event_id', kind: 'id', value: (r) => r.eventId },
  { name: 'record_index', kind: 'number', value: (r) => r.recordIndex },
  { name: 'sent_from_meterdesk_by', kind: 'text', value: (r) => r.sent?.osUser },
  { name: 'journal_submission_id', kind: 'id', value: (r) => r.sent?.submissionId },
  { name: 'journal_call_id', kind: 'id', value: (r) => r.sent?.callId },
  { name: 'journal_matched_by', kind: 'text', value: (r) => r.sent?.by },
];

export function auditRowsToCsv(rows: readonly AuditExplorerRow[]): string {
  return csvTable(AUDIT_CSV_COLUMNS, rows);
}

export function auditRowsToJson(rows: readonly AuditExplorerRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export function sha256Hex(data: string | Uint8Array): string {
  const hash = createHash('sha256');
  return (typeof data === 'string' ? hash.update(data, 'utf8') : hash.update(data)).digest('hex');
}

export type EvidenceFile = {
  name: string;
  mediaType: string;
  sha256: string;
  bytes: number;
  data: Uint8Array;
};

export type EvidenceInput = {
  createdAt: number;
  createdBy: string;
  connection: { name: string; accountId: string };
  events: readonly { eventId: string; raw: string; rows: readonly AuditExplorerRow[] }[];
  /** Event ids asked for but not in the cache. */
  missing: readonly string[];
  /** The records as Parquet: of the explorer's filter, else of the chosen events. */
  records: {
    parquet: Uint8Array;
    rows: number;
    /** Records matching; more than `rows` when the file holds only the first ones. */
    matching: number;
    filter?: AuditFilter;
  };
};

const encoder = new TextEncoder();

function file(name: string, mediaType: string, content: string | Uint8Array): EvidenceFile {
  const data = typeof content === 'string' ? encoder.encode(content) : content;
  return { name, mediaType, sha256: sha256Hex(data), bytes: data.byteLength, data };
}

/** File-name-safe form of an event id (they are UUIDs in practice). */
function safeName(eventId: string): string {
  return eventId.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Who sent an event, from its rows' journal match (the same call for every row). */
function attribution(rows: readonly AuditExplorerRow[]): string | undefined {
  const sent = rows.find((r) => r.sent?.by === 'requestId')?.sent ?? rows.find((r) => r.sent)?.sent;
  if (!sent) return undefined;
  const how =
    sent.by === 'requestId'
      ? 'its request id'
      : sent.by === 'meteringRecordId'
        ? 'MeteringRecordId'
        : 'customer, dimension, hour and quantity';
  return `Sent from Meterdesk by ${sent.osUser}: submission ${sent.submissionId}${sent.callId ? `, call ${sent.callId}` : ''} (matched by ${how})`;
}

function eventLines(event: EvidenceInput['events'][number]): string[] {
  const out = [`## Event ${event.eventId}`];
  const first = event.rows[0];
  if (first) {
    out.push(
      `${first.eventName} at ${iso(first.eventTime)} in ${first.region} (account ${first.accountId}) by ${first.person ?? first.callerArn ?? first.userName ?? 'unknown caller'}${first.identityType ? ` (${first.identityType})` : ''}${first.requestId ? `, request id ${first.requestId}` : ''}`,
    );
    if (first.truncated !== undefined) {
      out.push(
        `Truncated by CloudTrail: ${first.truncated} omitted${event.rows.some((r) => r.filledFrom === 'journal') ? '; records filled in from the journal by request id' : ''}`,
      );
    }
    if (first.errorCode !== undefined) {
      out.push(
        `Failed call: ${first.errorCode}${first.errorMessage ? ` — ${first.errorMessage}` : ''}`,
      );
    }
  }
  const sent = attribution(event.rows);
  if (sent) out.push(sent);
  for (const r of event.rows) {
    const customer = r.customerAwsAccountId ?? r.customerIdentifier ?? r.licenseArn ?? '—';
    const billing =
      r.billing === 'replay'
        ? ' · replay: billed before, not again'
        : r.billing === 'duplicate'
          ? ` · not billed${r.standingQuantity === undefined ? '' : `; ${String(r.standingQuantity)} stands`}`
          : '';
    out.push(
      `- #${String(r.recordIndex)} ${iso(r.usageHour)} customer ${customer} ${r.productCode ? `product ${r.productCode} ` : ''}dimension ${r.dimension || '—'} quantity ${String(r.quantity)} → ${r.status}${r.meteringRecordId ? ` (MeteringRecordId ${r.meteringRecordId})` : ''}${billing}${r.filledFrom ? ' · from journal' : ''}`,
    );
  }
  out.push('');
  return out;
}

function summaryText(input: EvidenceInput): string {
  const rows = input.events.flatMap((e) => e.rows);
  const total = rows.reduce((sum, r) => sum + r.quantity, 0);
  const billing = emptyBillingTotals();
  for (const r of rows) addToTotals(billing, r.billing ?? 'unknown', r.quantity);
  const out: string[] = [
    '# Meterdesk audit evidence',
    '',
    `Created: ${iso(input.createdAt)} by ${input.createdBy}`,
    `Connection: ${input.connection.name}, account ${input.connection.accountId}`,
    `Events: ${String(input.events.length)}; usage records: ${String(rows.length)}; quantity ${String(total)}`,
    `Billed once: ${String(billing.billedRecords)} records, quantity ${String(billing.billedQuantity)}; replays (billed before, not again): ${String(billing.replayRecords)}; DuplicateRecord (not billed): ${String(billing.duplicateRecords)}; answer unknown: ${String(billing.unknownRecords)}`,
    '',
    'Every raw record is in events/<eventId>.json exactly as CloudTrail returned it; records.parquet',
    `holds ${input.records.filter === undefined ? 'the records of these events' : 'the records the explorer filter matched'}${input.records.matching > input.records.rows ? ` (the first ${String(input.records.rows)} of ${String(input.records.matching)})` : ''}.`,
    'manifest.json lists every file with its SHA-256; after unzipping, `sha256sum -c SHA256SUMS`',
    'checks them all.',
    '',
  ];
  for (const event of input.events) out.push(...eventLines(event));
  if (input.missing.length > 0) {
    out.push('## Not in the cache', '', ...input.missing.map((id) => `- ${id}`), '');
  }
  return out.join('\n');
}

/** Who sent each event, for the manifest (the journal match of its rows). */
function eventEntries(input: EvidenceInput, files: readonly EvidenceFile[]) {
  return input.events.map((event) => {
    const sent =
      event.rows.find((r) => r.sent?.by === 'requestId')?.sent ??
      event.rows.find((r) => r.sent)?.sent;
    const name = `events/${safeName(event.eventId)}.json`;
    return {
      eventId: event.eventId,
      file: name,
      sha256: files.find((f) => f.name === name)?.sha256 ?? '',
      sentFromMeterdesk: sent ?? null,
    };
  });
}

/**
 * The evidence pack as a zip: summary.md, the rows as CSV and JSON, the records as Parquet,
 * each raw CloudTrail record exactly as received, manifest.json (what the pack holds, with the
 * SHA-256 and size of every file and who sent each event), and SHA256SUMS in sha256sum's own
 * format, so `sha256sum -c SHA256SUMS` checks every file after unzipping.
 */
export function buildEvidencePack(input: EvidenceInput): {
  zip: Uint8Array;
  files: { name: string; sha256: string; bytes: number }[];
} {
  const rows = input.events.flatMap((e) => e.rows);
  const files: EvidenceFile[] = [
    file('summary.md', 'text/markdown', summaryText(input)),
    file('rows.csv', 'text/csv', auditRowsToCsv(rows)),
    file('rows.json', 'application/json', auditRowsToJson(rows)),
    file('records.parquet', 'application/vnd.apache.parquet', input.records.parquet),
    ...input.events.map((e) =>
      file(`events/${safeName(e.eventId)}.json`, 'application/json', e.raw),
    ),
  ];
  const manifest = {
    format: 'meterdesk-audit-evidence/2',
    createdAt: iso(input.createdAt),
    createdBy: input.createdBy,
    connection: input.connection,
    records: {
      file: 'records.parquet',
      of: input.records.filter === undefined ? 'the chosen events' : 'the explorer filter',
      ...(input.records.filter === undefined ? {} : { filter: input.records.filter }),
      rows: input.records.rows,
      matching: input.records.matching,
    },
    events: eventEntries(input, files),
    missing: input.missing,
    files: files.map((f) => ({
      name: f.name,
      mediaType: f.mediaType,
      sha256: f.sha256,
      bytes: f.bytes,
    })),
  };
  files.push(file('manifest.json', 'application/json', `${JSON.stringify(manifest, null, 2)}\n`));
  const sums = files.map((f) => `${f.sha256}  ${f.name}\n`).join('');
  files.push(file('SHA256SUMS', 'text/plain', sums));
  // Every entry dated when the pack was made, so the same pack zips to the same bytes.
  const mtime = new Date(input.createdAt);
  const zip = zipSync(
    Object.fromEntries(files.map((f) => [f.name, [f.data, { mtime }] as const])),
    { level: 6 },
  );
  return { zip, files: files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes })) };
}
