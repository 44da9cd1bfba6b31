// What AWS billed per CloudTrail, read through the audit area's own queries (the same answers its
// screens get, whichever engine keeps the cache): Success rows of the case's customer and
// dimension, the rows of given MeteringRecordIds, raw records, and which days are complete.
import type { AuditFilter, AuditRow } from '../../../shared/audit';
import type { AuditPort, BilledRow } from './ports';

export type AuditQueries = {
  query: (input: {
    filter: AuditFilter;
    offset: number;
    limit: number;
  }) => Promise<{ rows: readonly AuditRow[]; total: number }>;
  raw: (eventId: string) => Promise<{ text: string }>;
  /** Completeness of the last `days` days (UTC), per region. */
  completeness: (
    days: number,
  ) => Promise<{ days: { day: string; region: string; state: string }[] }>;
};

const PAGE = 5_000;
/** More rows than any case can hold (62 days of hours, with replays), so nothing is cut off. */
const MAX_ROWS = 50_000;
const DAY_MS = 86_400_000;

function billedRow(row: AuditRow): BilledRow {
  return {
    eventId: row.eventId,
    recordIndex: row.recordIndex,
    eventTime: row.eventTime,
    usageHour: row.usageHour,
    ...(row.customerIdentifier === undefined ? {} : { customerIdentifier: row.customerIdentifier }),
    ...(row.customerAwsAccountId === undefined
      ? {}
      : { customerAwsAccountId: row.customerAwsAccountId }),
    ...(row.licenseArn === undefined ? {} : { licenseArn: row.licenseArn }),
    ...(row.productCode === undefined ? {} : { productCode: row.productCode }),
    dimension: row.dimension,
    quantity: row.quantity,
    status: row.status,
    ...(row.meteringRecordId === undefined ? {} : { meteringRecordId: row.meteringRecordId }),
  };
}

async function allRows(queries: AuditQueries, filter: AuditFilter): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  for (let offset = 0; offset < MAX_ROWS; offset += PAGE) {
    const page = await queries.query({ filter, offset, limit: PAGE });
    rows.push(...page.rows);
    if (offset + PAGE >= page.total) break;
  }
  return rows;
}

export function createAuditSource(
  queries: AuditQueries,
  options: { region: () => string; now: () => number },
): AuditPort {
  return {
    async billedRows({ customerIds, dimension, from, to }) {
      const found = new Map<string, BilledRow>();
      for (const column of ['customerAwsAccountId', 'customerIdentifier'] as const) {
        const rows = await allRows(queries, {
          statuses: ['Success'],
          usageHour: { from, to },
          text: [
            { column, op: 'in', values: [...customerIds] },
            { column: 'dimension', op: 'equals', value: dimension },
          ],
        });
        for (const row of rows)
          found.set(`${row.eventId}#${String(row.recordIndex)}`, billedRow(row));
      }
      return [...found.values()];
    },
    async rowsByMeteringRecordId(ids) {
      const rows: BilledRow[] = [];
      for (let i = 0; i < ids.length; i += 1_000) {
        const chunk = ids.slice(i, i + 1_000);
        const page = await allRows(queries, {
          text: [{ column: 'meteringRecordId', op: 'in', values: [...chunk] }],
        });
        rows.push(...page.map(billedRow));
      }
      return rows;
    },
    async rawEvents(eventIds) {
      const out: { eventId: string; raw: string }[] = [];
      for (const eventId of eventIds) out.push({ eventId, raw: (await queries.raw(eventId)).text });
      return out;
    },
    async completeDays(from) {
      const days = Math.min(1_000, Math.max(1, Math.ceil((options.now() - from) / DAY_MS) + 1));
      const answer = await queries.completeness(days);
      const region = options.region();
      return new Set(
        answer.days.filter((d) => d.region === region && d.state === 'complete').map((d) => d.day),
      );
    },
  };
}
