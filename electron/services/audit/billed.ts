// "Is this record billed per CloudTrail?" for the submission side (services/billed-lookup.ts),
// answered from an account's audit cache: the Success rows of the asked hours, matched first by
// the call's request id, else by customer, dimension and hour (the first Success stands, as AWS
// keeps the first quantity), and whether the cache's coverage holds the whole time the call
// could have been logged.
import { HOUR_MS, type AuditFilter, type AuditRow } from '../../../shared/audit';
import type { BilledAnswer, BilledEvidence, BilledLookup, BilledQuery } from '../billed-lookup';
import type { AccountCache } from './account-cache';
import { queryWindow } from './explorer';

/** Enough Success rows for the hours of any plan the app can make (20,000 records). */
const MAX_ROWS = 200_000;
const PAGE = 5_000;

function bucket(q: {
  customer: string;
  licenseArn?: string | undefined;
  dimension: string;
  hour: number;
}): string {
  return [q.customer, q.licenseArn ?? '', q.dimension, q.hour].join('\n');
}

/** Every customer id a row names (an echo can add the account id to the identifier sent). */
function rowBuckets(row: AuditRow): string[] {
  if (row.usageHour === null) return [];
  const hour = row.usageHour;
  return [row.customerIdentifier, row.customerAwsAccountId].flatMap((customer) =>
    customer === undefined
      ? []
      : [bucket({ customer, licenseArn: row.licenseArn, dimension: row.dimension, hour })],
  );
}

function evidence(row: AuditRow, by: BilledEvidence['by']): BilledEvidence {
  return {
    eventId: row.eventId,
    eventTime: row.eventTime,
    quantity: row.quantity,
    ...(row.meteringRecordId === undefined ? {} : { meteringRecordId: row.meteringRecordId }),
    ...(row.requestId === undefined ? {} : { requestId: row.requestId }),
    ...(row.person === undefined ? {} : { person: row.person }),
    by,
  };
}

async function successRows(cache: AccountCache, filter: AuditFilter): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  for (let offset = 0; offset < MAX_ROWS; offset += PAGE) {
    const page = await queryWindow(cache, {
      filter: { ...filter, statuses: ['Success'] },
      sort: { column: 'eventTime', direction: 'asc' },
      offset,
      limit: PAGE,
    });
    rows.push(...page.rows);
    if (offset + PAGE >= page.total) break;
  }
  return rows;
}

type Coverage = readonly (readonly [number, number])[];

function covers(coverage: Coverage, from: number, to: number): boolean {
  return coverage.some(([start, end]) => start <= from && end >= to);
}

/** One region of one account: every query answered from two reads of the cache. */
async function answerRegion(
  cache: AccountCache,
  region: string,
  queries: readonly BilledQuery[],
): Promise<BilledAnswer[]> {
  const hours = queries.map((q) => q.hour);
  const regionFilter = { column: 'region' as const, op: 'equals' as const, value: region };
  const byBucket = new Map<string, AuditRow>();
  for (const row of await successRows(cache, {
    text: [regionFilter],
    usageHour: { from: Math.min(...hours), to: Math.max(...hours) + HOUR_MS },
  })) {
    for (const key of rowBuckets(row)) if (!byBucket.has(key)) byBucket.set(key, row);
  }
  const requestIds = [...new Set(queries.flatMap((q) => (q.requestId ? [q.requestId] : [])))];
  const byRequest = new Map<string, AuditRow[]>();
  for (let i = 0; i < requestIds.length; i += 1000) {
    const values = requestIds.slice(i, i + 1000);
    const rows = await successRows(cache, {
      text: [regionFilter, { column: 'requestId', op: 'in', values }],
    });
    for (const row of rows) {
      if (row.requestId !== undefined) {
        byRequest.set(row.requestId, [...(byRequest.get(row.requestId) ?? []), row]);
      }
    }
  }
  const { coverage } = await cache.readSyncState(region);
  const coveredUntil = coverage.reduce<number | null>(
    (latest, [, end]) => (latest === null || end > latest ? end : latest),
    null,
  );
  return queries.map((q) => {
    const key = bucket(q);
    const sameCall = (byRequest.get(q.requestId ?? '') ?? []).find((row) =>
      rowBuckets(row).includes(key),
    );
    const first = byBucket.get(key);
    return {
      billed: sameCall ? evidence(sameCall, 'requestId') : first ? evidence(first, 'record') : null,
      complete: covers(coverage, q.sentFrom, q.sentTo),
      coveredUntil,
    };
  });
}

/** The lookup over the audit service's caches (opened on first use, like the explorer). */
export function createBilledLookup(
  cacheOf: (accountId: string) => Promise<AccountCache>,
): BilledLookup {
  return {
    async lookup(queries) {
      const answers: BilledAnswer[] = queries.map(() => ({
        billed: null,
        complete: false,
        coveredUntil: null,
      }));
      const groups = new Map<string, number[]>();
      queries.forEach((q, i) => {
        if (q.accountId === '') return;
        const id = `${q.accountId}\n${q.region}`;
        groups.set(id, [...(groups.get(id) ?? []), i]);
      });
      for (const indexes of groups.values()) {
        const first = queries[indexes[0] ?? -1];
        if (first === undefined) continue;
        const cache = await cacheOf(first.accountId);
        const asked = indexes.flatMap((i) => (queries[i] ? [queries[i]] : []));
        const found = await answerRegion(cache, first.region, asked);
        indexes.forEach((at, j) => {
          const answer = found[j];
          if (answer) answers[at] = answer;
        });
      }
      return answers;
    },
  };
}
