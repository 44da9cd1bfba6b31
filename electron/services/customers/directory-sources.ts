// Where the customer directory learns which ids belong together. Each source reads what the app
// already holds and reports ids it saw together on one thing:
// - ResolveCustomer answers (the registration token named both);
// - the Sandbox's world (its customers' names, and the identifiers of legacy subscriptions);
// - the journal: a journaled record carrying both ids, or AWS's answer to a record sent under a
//   CustomerIdentifier echoing the buyer's account id beside it (AWS-FACTS §0.1 "Response echoes
//   vary");
// - the CloudTrail cache: a usage record carrying both, or the response echo of one sent under
//   a CustomerIdentifier carrying `customerAWSAccountID` (any casing) beside it.
// Every source is scoped to the seller account in use.
import type { AuditFilter, AuditRow } from '../../../shared/audit';
import type { ResolutionEntry } from '../../../shared/channels/customers';
import type { JournalLine, JournalRecord } from '../../../shared/journal';
import { asArray, get, isObj, isOmitted } from '../audit/json';
import { readUsageRecord } from '../audit/usage-record';
import type { DirectorySource, IdentitySighting } from './directory';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** ResolveCustomer answers given to this seller account. */
export function resolutionSightings(
  entries: readonly ResolutionEntry[],
  accountId: string | undefined,
): IdentitySighting[] {
  return entries.flatMap((entry): IdentitySighting[] =>
    entry.outcome === 'resolved' && entry.customer && entry.accountId === accountId
      ? [
          {
            customerIdentifier: entry.customer.customerIdentifier,
            customerAwsAccountId: entry.customer.customerAwsAccountId,
            source: 'resolve',
          },
        ]
      : [],
  );
}

/** What the Sandbox's admin API tells about its buyers: names, and legacy identifiers. */
export type SandboxDirectoryView = {
  customers: readonly { awsAccountId: string; name: string }[];
  subscriptions: readonly { customerAwsAccountId: string; customerIdentifier?: string }[];
};

export function sandboxSightings(world: SandboxDirectoryView): IdentitySighting[] {
  const names = world.customers.map((c): IdentitySighting => ({
    customerAwsAccountId: c.awsAccountId,
    name: c.name,
    source: 'sandbox',
  }));
  const identifiers = world.subscriptions.flatMap((s): IdentitySighting[] =>
    s.customerIdentifier
      ? [
          {
            customerAwsAccountId: s.customerAwsAccountId,
            customerIdentifier: s.customerIdentifier,
            source: 'sandbox',
          },
        ]
      : [],
  );
  return [...names, ...identifiers];
}

/** Both ids on one journaled wire record, when it carries both. */
function recordSighting(record: JournalRecord['record']): IdentitySighting | null {
  const customerIdentifier = text(record.CustomerIdentifier);
  const customerAwsAccountId = text(record.CustomerAWSAccountId);
  return customerIdentifier && customerAwsAccountId
    ? { customerIdentifier, customerAwsAccountId, source: 'journal' }
    : null;
}

/**
 * Journal lines of this seller account: records carrying both ids, and answers whose echo named
 * the account id of a record sent under its CustomerIdentifier (the echo is journaled on the
 * record's result as `customerAwsAccountId`).
 */
export function journalSightings(
  lines: readonly JournalLine[],
  accountId: string | undefined,
): IdentitySighting[] {
  const sightings: IdentitySighting[] = [];
  /** The CustomerIdentifier each call sent per record key. */
  const sentUnder = new Map<string, Map<string, string>>();
  for (const line of lines) {
    if (line.kind === 'submission-started' || line.kind === 'call-intent') {
      if (line.context.account !== accountId) continue;
      const records = line.kind === 'submission-started' ? (line.planned ?? []) : line.records;
      const identifiers = new Map<string, string>();
      for (const { key, record } of records) {
        const seen = recordSighting(record);
        if (seen) sightings.push(seen);
        const identifier = text(record.CustomerIdentifier);
        if (identifier) identifiers.set(key, identifier);
      }
      if (line.kind === 'call-intent') sentUnder.set(line.callId, identifiers);
    } else if (line.kind === 'call-outcome' && line.context.account === accountId) {
      for (const result of line.results) {
        const echoed = text(result.customerAwsAccountId);
        const identifier = sentUnder.get(line.callId)?.get(result.key);
        if (echoed && identifier) {
          sightings.push({
            customerIdentifier: identifier,
            customerAwsAccountId: echoed,
            source: 'journal',
          });
        }
      }
    }
  }
  return sightings;
}

/**
 * The journal as a source, read again only when it has changed: `stamp` is a value that stays
 * the same object until the journal gains lines (the submission service's cached index).
 */
export function journalSource(ports: {
  stamp: () => Promise<object>;
  lines: () => Promise<readonly JournalLine[]>;
  accountId: () => string | undefined;
}): DirectorySource {
  let kept: { stamp: object; accountId: string | undefined; sightings: IdentitySighting[] } | null =
    null;
  return async () => {
    const stamp = await ports.stamp();
    const accountId = ports.accountId();
    if (kept?.stamp === stamp && kept.accountId === accountId) return kept.sightings;
    const sightings = journalSightings(await ports.lines(), accountId);
    kept = { stamp, accountId, sightings };
    return sightings;
  };
}

/** The account id an event's answer echoed beside `identifier`, if it did. */
export function echoedAccountId(rawEvent: string, identifier: string): string | undefined {
  let event: unknown;
  try {
    event = JSON.parse(rawEvent);
  } catch {
    return undefined;
  }
  if (!isObj(event)) return undefined;
  const response = get(event, 'responseElements');
  if (!isObj(response) || isOmitted(response)) return undefined;
  for (const result of asArray(get(response, 'results'))) {
    if (!isObj(result)) continue;
    const echo = readUsageRecord(get(result, 'usageRecord'));
    if (echo?.customerIdentifier === identifier && echo.customerAwsAccountId !== undefined) {
      return echo.customerAwsAccountId;
    }
  }
  return undefined;
}

/** The audit service's reads the CloudTrail source needs (the active account's cache). */
export type AuditReads = {
  query: (input: {
    filter: AuditFilter;
    offset: number;
    limit: number;
  }) => Promise<{ rows: readonly AuditRow[]; version: number }>;
  raw: (eventId: string) => Promise<{ text: string }>;
};

/** The `in` filter's limit (shared/audit.ts): at most this many identifiers are examined. */
const MAX_IDENTIFIERS = 1000;
/** The largest window audit:query gives. */
const PAGE = 5000;

/** Answered records under a CustomerIdentifier, leaving out the identifiers in `seen`. */
function identifierRecords(seen: ReadonlySet<string>): AuditFilter {
  const notSeen =
    seen.size === 0
      ? []
      : [
          {
            column: 'customerIdentifier' as const,
            op: 'in' as const,
            values: [...seen],
            not: true,
          },
        ];
  return {
    statuses: ['Success'],
    text: [{ column: 'customerIdentifier', op: 'equals', value: '', not: true }, ...notSeen],
  };
}

type IdentifierScan = {
  /** Identifiers seen with an account id on the record itself. */
  linked: IdentitySighting[];
  /** One event of each identifier seen alone, to read its answer's echo. */
  eventOf: Map<string, string>;
  /** The cache's account and version the scan read (what it is still good for). */
  stamp: string;
};

/**
 * Each identifier once: every page leaves out the identifiers already seen, so a buyer with a
 * million records costs one row.
 */
async function scanIdentifiers(audit: AuditReads): Promise<IdentifierScan> {
  const scan: IdentifierScan = { linked: [], eventOf: new Map(), stamp: '' };
  const seen = new Set<string>();
  while (seen.size < MAX_IDENTIFIERS) {
    const page = await audit.query({ filter: identifierRecords(seen), offset: 0, limit: PAGE });
    if (scan.stamp === '') scan.stamp = `${page.rows[0]?.accountId ?? ''}@${page.version}`;
    const before = seen.size;
    for (const row of page.rows) {
      const identifier = row.customerIdentifier;
      if (identifier === undefined || seen.has(identifier)) continue;
      if (seen.size >= MAX_IDENTIFIERS) break;
      seen.add(identifier);
      if (row.customerAwsAccountId === undefined) scan.eventOf.set(identifier, row.eventId);
      else {
        scan.linked.push({
          customerIdentifier: identifier,
          customerAwsAccountId: row.customerAwsAccountId,
          source: 'cloudtrail',
        });
      }
    }
    if (seen.size === before) break;
  }
  return scan;
}

/**
 * The CloudTrail cache: a record carrying both ids links them; for an identifier seen alone, one
 * of its events is read for the answer's echo. The result is kept until the cache changes.
 */
export function cloudTrailSource(audit: AuditReads): DirectorySource {
  let kept: { stamp: string; sightings: IdentitySighting[] } | null = null;
  return async () => {
    const first = await audit.query({ filter: identifierRecords(new Set()), offset: 0, limit: 1 });
    const stamp = `${first.rows[0]?.accountId ?? ''}@${first.version}`;
    if (kept?.stamp === stamp) return kept.sightings;
    const scan = await scanIdentifiers(audit);
    const sightings = [...scan.linked];
    for (const [identifier, eventId] of scan.eventOf) {
      const echoed = echoedAccountId((await audit.raw(eventId)).text, identifier);
      if (echoed !== undefined) {
        sightings.push({
          customerIdentifier: identifier,
          customerAwsAccountId: echoed,
          source: 'cloudtrail',
        });
      }
    }
    kept = { stamp: scan.stamp, sightings };
    return sightings;
  };
}
