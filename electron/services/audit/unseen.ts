// Records this app sent that CloudTrail does not show. One answer for every record, recent ones
// included: a record already in CloudTrail is "seen", never "not expected yet".
import { HOUR_MS } from '../../../shared/audit';
import type { AuditUnseen } from '../../../shared/channels/audit';
import type { JournalRow } from '../../../shared/channels/journal';
import type { AccountCache } from './account-cache';
import { journalMatchKey, rowMatchKey, unseenView } from './journal-match';
import { allRows, type AuditServiceContext } from './service-context';

/**
 * The journal records CloudTrail shows: by MeteringRecordId (exact), then by record fields
 * (account, region, customer, license, dimension, hour, quantity) for the rest.
 */
async function seenInCloudTrail(
  cache: AccountCache,
  records: readonly JournalRow[],
): Promise<Set<JournalRow>> {
  const seen = new Set<JournalRow>();
  const seenIds = new Set<string>();
  const ids = records.map((r) => r.meteringRecordId).filter((v): v is string => v !== undefined);
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const { rows } = await allRows(
      cache,
      { text: [{ column: 'meteringRecordId', op: 'in', values: chunk }] },
      undefined,
      100_000,
    );
    for (const row of rows) if (row.meteringRecordId) seenIds.add(row.meteringRecordId);
  }
  const rest: JournalRow[] = [];
  for (const r of records) {
    if (r.meteringRecordId !== undefined && seenIds.has(r.meteringRecordId)) seen.add(r);
    else rest.push(r);
  }
  const hours = rest.map((r) => Date.parse(r.timestamp)).filter(Number.isFinite);
  const ats = rest.map((r) => Date.parse(r.at)).filter(Number.isFinite);
  if (hours.length === 0 || ats.length === 0) return seen;
  const from = Math.floor(Math.min(...hours) / HOUR_MS) * HOUR_MS;
  const to = Math.floor(Math.max(...hours) / HOUR_MS) * HOUR_MS + HOUR_MS;
  const { rows } = await allRows(
    cache,
    { usageHour: { from, to }, eventTime: { from: Math.min(...ats) - HOUR_MS } },
    undefined,
    500_000,
  );
  const keys = new Set(rows.map(rowMatchKey));
  for (const r of rest) if (keys.has(journalMatchKey(r))) seen.add(r);
  return seen;
}

export async function unseen({ deps, active, matcher }: AuditServiceContext, graceMinutes: number) {
  const { target, cache } = await active();
  const m = await matcher();
  const now = deps.now();
  const graceMs = graceMinutes * 60_000;
  const mine = m.answered.filter((r) => r.account === target.accountId);
  const seen = await seenInCloudTrail(cache, mine);
  const due = (r: JournalRow): boolean => now - Date.parse(r.at) >= graceMs;
  const missing = mine.filter((r) => !seen.has(r));
  const records: AuditUnseen[] = missing.filter(due).map(unseenView);
  return {
    graceMinutes,
    checked: mine.filter(due).length,
    seen: seen.size,
    tooRecent: missing.filter((r) => !due(r)).length,
    records,
  };
}
