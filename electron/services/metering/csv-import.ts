// CSV import of usage records: read the file (./csv-parse), optionally aggregate it to one record
// per (customer, dimension, hour) (./csv-aggregate), validate every record with the shared rules
// and the journal's sent index, and sort the records into ready and needs-review. Pure: the
// wiring runs it in a worker thread, so a 200,000-row file never blocks the core.
import type { ImportReason, ImportRow, ImportSummary } from '../../../shared/channels/metering';
import type { BatchValidation, Product, RecordIssue } from '../../../shared/metering';
import { zoneLabel } from '../../../shared/metering/zones';
import { aggregateRows, type ImportRecord } from './csv-aggregate';
import { parseUsageCsv, type ParsedCsv } from './csv-parse';
import { validateWithSentIndex, type SentRecordsIndex } from './validate';

const REASON_BY_CODE: Record<string, ImportReason> = {
  'duplicate-in-set': 'duplicate',
  'timestamp-too-old': 'window',
  'timestamp-month-closed': 'window',
  'timestamp-future': 'window',
  'already-sent-different': 'already-sent',
  'already-sent-same': 'already-sent',
  'csv-row-cells': 'row-shape',
  'csv-quotes': 'row-shape',
  'timestamp-no-zone': 'zone',
  'timestamp-date-only': 'zone',
  'timestamp-zone-unclear': 'zone',
};
/** Warnings that still need a person to look before sending. */
const REVIEW_WARNINGS = new Set(['account-id-length', 'already-sent-same', 'customer-id-formula']);

export function reasonsFor(issues: readonly { code: string; severity: string }[]): ImportReason[] {
  const reasons = new Set<ImportReason>();
  for (const i of issues) {
    if (i.severity !== 'error' && !REVIEW_WARNINGS.has(i.code)) continue;
    reasons.add(REASON_BY_CODE[i.code] ?? 'invalid');
  }
  return [...reasons];
}

export type ImportResult = {
  summary: Omit<ImportSummary, 'handle'>;
  rows: ImportRow[];
  ready: number[];
  review: number[];
};

export type ImportOptions = {
  catalog: readonly Product[];
  now: number;
  sentIndex: SentRecordsIndex;
  aggregate: boolean;
  defaultProductId?: string;
  fileName?: string;
  /** The zone for times the file writes without one; absent = such rows need review. */
  zone?: string;
};

function identicalNote(record: ImportRecord): RecordIssue | null {
  const identical = record.identicalLines;
  if (identical === undefined || identical.length === 0) return null;
  return {
    field: 'record',
    code: 'identical-lines-merged',
    severity: 'warning',
    message: `Lines ${identical.join(', ')} are identical to an earlier line of this record (lines ${record.lines.join(', ')}) and were summed into it.`,
    fix: "Check the export wasn't duplicated: summing a duplicated export bills twice.",
  };
}

function fileNotices(
  parsed: ParsedCsv,
  options: ImportOptions,
  counts: { zoneless: number; identical: number },
): string[] {
  const notices = [...parsed.notices];
  if (counts.identical > 0) {
    notices.push(
      `${counts.identical.toLocaleString('en-US')} identical line${counts.identical === 1 ? '' : 's'} merged; check the export wasn't duplicated.`,
    );
  }
  if (counts.zoneless > 0 && options.zone === undefined) {
    notices.push(
      `${counts.zoneless.toLocaleString('en-US')} line${counts.zoneless === 1 ? ' has a time' : 's have times'} without a time zone: they need review until you choose the file's time zone.`,
    );
  } else if (counts.zoneless > 0 && options.zone !== undefined) {
    notices.push(
      `${counts.zoneless.toLocaleString('en-US')} time${counts.zoneless === 1 ? '' : 's'} without a zone read in ${zoneLabel(options.zone)}, as you chose for this file.`,
    );
  }
  return notices;
}

function sortRows(
  records: readonly ImportRecord[],
  validations: readonly BatchValidation[],
  cellsByLine: ReadonlyMap<number, string[]>,
): Pick<ImportResult, 'rows' | 'ready' | 'review'> & { byReason: ImportSummary['byReason'] } {
  const rows: ImportRow[] = [];
  const ready: number[] = [];
  const review: number[] = [];
  const byReason = {
    invalid: 0,
    duplicate: 0,
    window: 0,
    'already-sent': 0,
    'row-shape': 0,
    zone: 0,
  };
  for (let i = 0; i < records.length; i++) {
    const v = validations[i];
    const record = records[i];
    if (!v || !record) continue;
    const note = identicalNote(record);
    if (note) v.issues.push(note);
    const reasons = reasonsFor(v.issues);
    for (const r of reasons) byReason[r] += 1;
    const status = reasons.length === 0 ? 'ready' : 'review';
    (status === 'ready' ? ready : review).push(i);
    const cells = record.lines.length === 1 ? cellsByLine.get(record.lines[0] ?? 0) : undefined;
    rows.push({
      index: i,
      lines: record.lines,
      status,
      reasons,
      draft: record.draft,
      issues: v.issues,
      deadlineMs: v.deadlineMs,
      key: v.key,
      ...(cells ? { cells } : {}),
    });
  }
  return { rows, ready, review, byReason };
}

export async function importUsageCsv(text: string, options: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  const parsed = parseUsageCsv(text, {
    catalog: options.catalog,
    ...(options.defaultProductId !== undefined
      ? { defaultProductId: options.defaultProductId }
      : {}),
    ...(options.zone !== undefined ? { zone: options.zone } : {}),
  });
  const { records, rowsMerged, identicalLinesMerged } = options.aggregate
    ? aggregateRows(parsed.rows)
    : {
        records: parsed.rows.map((r): ImportRecord => ({ lines: [r.line], draft: r.draft })),
        rowsMerged: 0,
        identicalLinesMerged: 0,
      };
  // Row ids by assignment: these drafts are this import's own objects.
  const drafts = records.map((r, i) => {
    r.draft.rowId = `csv-${String(i)}`;
    return r.draft;
  });
  const validations = await validateWithSentIndex(drafts, {
    catalog: options.catalog,
    now: options.now,
    sentIndex: options.sentIndex,
    label: (i) => `line ${String(records[i]?.lines[0] ?? i + 1)}`,
  });
  const cellsByLine = new Map<number, string[]>();
  let zoneless = 0;
  for (const row of parsed.rows) {
    if (row.cells) cellsByLine.set(row.line, row.cells);
    if (row.zoneless) zoneless += 1;
  }
  const sorted = sortRows(records, validations, cellsByLine);
  return {
    summary: {
      fileName: options.fileName ?? 'import.csv',
      delimiter: parsed.delimiter,
      fileRows: parsed.rows.length,
      records: sorted.rows.length,
      ready: sorted.ready.length,
      review: sorted.review.length,
      byReason: sorted.byReason,
      aggregated: options.aggregate,
      rowsMerged,
      identicalLinesMerged,
      zone: options.zone ?? null,
      zonelessRows: zoneless,
      columns: parsed.columns,
      notices: fileNotices(parsed, options, { zoneless, identical: identicalLinesMerged }),
      milliseconds: Math.round(performance.now() - started),
    },
    rows: sorted.rows,
    ready: sorted.ready,
    review: sorted.review,
  };
}

export { createImportSessions, type ImportSessions } from './import-sessions';

/** How the core runs an import: in a worker thread in the app (an adapter), in-process in tests. */
export type CsvImporter = (
  parts: readonly string[],
  options: ImportOptions,
) => Promise<ImportResult>;

/** The in-process importer, over a file that arrived in parts. */
export const importUsageCsvParts: CsvImporter = (parts, options) =>
  importUsageCsv(parts.join(''), options);
