// Audit exports: the filtered rows as CSV (spreadsheet-safe, IDs as text) or JSON, and the
// evidence pack for chosen events.
//
// The evidence pack is ONE JSON file (no zip: nothing to install, readable in any editor, and a
// browser download in both hosts). It holds `files[]` — each raw CloudTrail record exactly as
// received, a readable summary, the rows as CSV — each with its SHA-256 over the UTF-8 bytes of
// its `text`, plus `SHA256SUMS` (sha256sum format) so an auditor who writes the files out can
// check them with `sha256sum -c SHA256SUMS`.
import { createHash } from 'node:crypto';
import { csvDocument, csvIdCell, csvTextCell } from '../../../shared/csv';
import type { AuditExplorerRow } from '../../../shared/channels/audit';

type Column = {
  name: string;
  cell: (row: AuditExplorerRow) => string;
};

const iso = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '' : new Date(ms).toISOString();

export const AUDIT_CSV_COLUMNS: readonly Column[] = [
  { name: 'event_time_utc', cell: (r) => iso(r.eventTime) },
  { name: 'usage_hour_utc', cell: (r) => iso(r.usageHour) },
  { name: 'usage_time_utc', cell: (r) => iso(r.usageTime) },
  { name: 'customer_aws_account_id', cell: (r) => csvIdCell(r.customerAwsAccountId) },
  { name: 'customer_identifier', cell: (r) => csvIdCell(r.customerIdentifier) },
  { name: 'license_arn', cell: (r) => csvIdCell(r.licenseArn) },
  { name: 'product_code', cell: (r) => csvIdCell(r.productCode) },
  { name: 'dimension', cell: (r) => csvTextCell(r.dimension) },
  // Quantities are whole numbers: written as numbers, never rounded.
  { name: 'quantity', cell: (r) => String(r.quantity) },
  { name: 'allocations', cell: (r) => csvTextCell(r.allocations) },
  { name: 'status', cell: (r) => csvTextCell(r.status) },
  { name: 'error_code', cell: (r) => csvTextCell(r.errorCode) },
  { name: 'error_message', cell: (r) => csvTextCell(r.errorMessage) },
  { name: 'metering_record_id', cell: (r) => csvIdCell(r.meteringRecordId) },
  { name: 'event_name', cell: (r) => csvTextCell(r.eventName) },
  { name: 'caller_arn', cell: (r) => csvIdCell(r.callerArn) },
  { name: 'user_name', cell: (r) => csvTextCell(r.userName) },
  { name: 'access_key_id', cell: (r) => csvIdCell(r.accessKeyId) },
  { name: 'region', cell: (r) => csvTextCell(r.region) },
  { name: 'account_id', cell: (r) => csvIdCell(r.accountId) },
  { name: 'event_id', cell: (r) => csvIdCell(r.eventId) },
  { name: 'record_index', cell: (r) => String(r.recordIndex) },
  { name: 'sent_from_meterdesk_by', cell: (r) => csvTextCell(r.sent?.osUser) },
  { name: 'journal_submission_id', cell: (r) => csvIdCell(r.sent?.submissionId) },
];

export function auditRowsToCsv(rows: readonly AuditExplorerRow[]): string {
  const lines = [AUDIT_CSV_COLUMNS.map((c) => c.name).join(',')];
  for (const row of rows) lines.push(AUDIT_CSV_COLUMNS.map((c) => c.cell(row)).join(','));
  return csvDocument(lines);
}

export function auditRowsToJson(rows: readonly AuditExplorerRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export type EvidenceFile = {
  name: string;
  mediaType: string;
  sha256: string;
  bytes: number;
  text: string;
};

export type EvidenceInput = {
  createdAt: number;
  createdBy: string;
  connection: { name: string; accountId: string };
  events: readonly { eventId: string; raw: string; rows: readonly AuditExplorerRow[] }[];
  /** Event ids asked for but not in the cache. */
  missing: readonly string[];
};

function file(name: string, mediaType: string, text: string): EvidenceFile {
  return {
    name,
    mediaType,
    sha256: sha256Hex(text),
    bytes: Buffer.byteLength(text, 'utf8'),
    text,
  };
}

/** File-name-safe form of an event id (they are UUIDs in practice). */
function safeName(eventId: string): string {
  return eventId.replace(/[^A-Za-z0-9._-]/g, '_');
}

function summaryText(input: EvidenceInput): string {
  const rows = input.events.flatMap((e) => e.rows);
  const total = rows.reduce((sum, r) => sum + r.quantity, 0);
  const billed = rows.filter((r) => r.status === 'Success').reduce((s, r) => s + r.quantity, 0);
  const out: string[] = [
    '# Meterdesk audit evidence',
    '',
    `Created: ${iso(input.createdAt)} by ${input.createdBy}`,
    `Connection: ${input.connection.name}, account ${input.connection.accountId}`,
    `Events: ${String(input.events.length)}; usage records: ${String(rows.length)}; quantity ${String(total)} (accepted by AWS: ${String(billed)})`,
    '',
    'Every raw record is in events/<eventId>.json exactly as CloudTrail returned it. SHA256SUMS',
    'lists the SHA-256 of every file; check with `sha256sum -c SHA256SUMS` after writing them out.',
    '',
  ];
  for (const event of input.events) {
    const first = event.rows[0];
    out.push(`## Event ${event.eventId}`);
    if (first) {
      out.push(
        `${first.eventName} at ${iso(first.eventTime)} in ${first.region} (account ${first.accountId}) by ${first.callerArn ?? first.userName ?? 'unknown caller'}`,
      );
      if (first.errorCode !== undefined) {
        out.push(
          `Failed call: ${first.errorCode}${first.errorMessage ? ` — ${first.errorMessage}` : ''}`,
        );
      }
    }
    for (const r of event.rows) {
      const customer = r.customerAwsAccountId ?? r.customerIdentifier ?? r.licenseArn ?? '—';
      out.push(
        `- #${String(r.recordIndex)} ${iso(r.usageHour)} customer ${customer} ${r.productCode ? `product ${r.productCode} ` : ''}dimension ${r.dimension || '—'} quantity ${String(r.quantity)} → ${r.status}${r.meteringRecordId ? ` (MeteringRecordId ${r.meteringRecordId})` : ''}${r.sent ? ` · sent from Meterdesk by ${r.sent.osUser} (${r.sent.submissionId})` : ''}`,
      );
    }
    out.push('');
  }
  if (input.missing.length > 0) {
    out.push('## Not in the cache', '', ...input.missing.map((id) => `- ${id}`), '');
  }
  return out.join('\n');
}

export function buildEvidencePack(input: EvidenceInput): {
  text: string;
  files: { name: string; sha256: string; bytes: number }[];
} {
  const files: EvidenceFile[] = [
    file('summary.md', 'text/markdown', summaryText(input)),
    file('rows.csv', 'text/csv', auditRowsToCsv(input.events.flatMap((e) => e.rows))),
    ...input.events.map((e) =>
      file(`events/${safeName(e.eventId)}.json`, 'application/json', e.raw),
    ),
  ];
  const sums = files.map((f) => `${f.sha256}  ${f.name}`).join('\n');
  files.push(file('SHA256SUMS', 'text/plain', `${sums}\n`));
  const bundle = {
    format: 'meterdesk-audit-evidence/1',
    createdAt: iso(input.createdAt),
    createdBy: input.createdBy,
    connection: input.connection,
    eventIds: input.events.map((e) => e.eventId),
    missing: input.missing,
    manifest: files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes })),
    files,
  };
  return {
    text: `${JSON.stringify(bundle, null, 2)}\n`,
    files: bundle.manifest,
  };
}
