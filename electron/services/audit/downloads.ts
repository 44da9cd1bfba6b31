// The files the audit screen downloads, built here so the renderer only saves them: matching
// rows as CSV or JSON, and an evidence pack (chosen events' raw JSON, their rows, a Parquet of
// the records) as a zip.
import type { AuditFilter, AuditSort } from '../../../shared/audit';
import { AUDIT_EXPORT_MAX_ROWS, type AuditExplorerRow } from '../../../shared/channels/audit';
import { AppError } from '../../../shared/errors';
import type { AccountCache } from './account-cache';
import { rowsOfEvent } from './explorer';
import { auditRowsToCsv, auditRowsToJson, buildEvidencePack } from './export';
import type { JournalMatcher } from './journal-match';
import { recordsParquet } from './records-file';
import { allRows, markSent, type AuditServiceContext } from './service-context';

/** `YYYY-MM-DDTHH-MM-SS` of an instant, for file names. */
function fileStamp(at: number): string {
  return new Date(at).toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

export async function exportRows(
  { deps, active, matcher }: AuditServiceContext,
  input: { filter: AuditFilter; sort?: AuditSort | undefined; format: 'csv' | 'json' },
) {
  const { target, cache } = await active();
  const { rows, total } = await allRows(cache, input.filter, input.sort, AUDIT_EXPORT_MAX_ROWS);
  const marked = markSent(rows, await matcher());
  const base = `meterdesk-audit-${target.accountId}-${fileStamp(deps.now())}`;
  return input.format === 'csv'
    ? {
        fileName: `${base}.csv`,
        mimeType: 'text/csv;charset=utf-8',
        text: auditRowsToCsv(marked),
        rows: marked.length,
        truncated: total > marked.length,
      }
    : {
        fileName: `${base}.json`,
        mimeType: 'application/json',
        text: auditRowsToJson(marked),
        rows: marked.length,
        truncated: total > marked.length,
      };
}

type EvidenceEvent = { eventId: string; raw: string; rows: AuditExplorerRow[] };

/** The chosen events found in the cache, with their marked rows, and the ids that are not. */
async function chosenEvents(cache: AccountCache, eventIds: readonly string[], m: JournalMatcher) {
  const events: EvidenceEvent[] = [];
  const missing: string[] = [];
  for (const eventId of [...new Set(eventIds)]) {
    const found = await cache.readRaw(eventId);
    if (found === null) missing.push(eventId);
    else {
      events.push({
        eventId,
        raw: found.text,
        rows: markSent(await rowsOfEvent(cache, eventId), m),
      });
    }
  }
  return { events, missing };
}

export async function evidence(
  { deps, active, matcher }: AuditServiceContext,
  input: { eventIds: readonly string[]; filter?: AuditFilter | undefined },
) {
  const { target, cache } = await active();
  const { events, missing } = await chosenEvents(cache, input.eventIds, await matcher());
  if (events.length === 0 && input.filter === undefined) {
    throw new AppError('NOT_FOUND', 'None of the chosen events is in this account’s cache.');
  }
  const records = await recordsParquet(
    cache,
    input.filter === undefined
      ? { eventIds: events.map((e) => e.eventId) }
      : { filter: input.filter },
    AUDIT_EXPORT_MAX_ROWS,
  );
  const createdAt = deps.now();
  const pack = buildEvidencePack({
    createdAt,
    createdBy: deps.osUser,
    connection: { name: target.connectionName, accountId: target.accountId },
    events,
    missing,
    records: { ...records, ...(input.filter === undefined ? {} : { filter: input.filter }) },
  });
  return {
    fileName: `meterdesk-audit-evidence-${target.accountId}-${fileStamp(createdAt)}.zip`,
    mimeType: 'application/zip',
    base64: Buffer.from(pack.zip).toString('base64'),
    bytes: pack.zip.byteLength,
    files: pack.files,
  };
}
