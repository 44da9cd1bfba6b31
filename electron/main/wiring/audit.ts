// Wires the audit area's services to its channels: the CloudTrail cache under <data>/audit (one
// DuckDB database per account, opened on first use of the audit screen, never at start-up), the
// sync engine paced by the app's one pacer, and the journal of this data folder for "sent from
// Meterdesk".
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { auditChannels } from '../../../shared/channels/audit';
import type { auditSqlChannels } from '../../../shared/channels/audit-sql';
import { AppError } from '../../../shared/errors';
import { createCloudTrailLookup } from '../../adapters/aws/cloudtrail-lookup';
import { mapAwsError } from '../../adapters/aws/error-map';
import { realTime } from '../../adapters/aws/pacer';
import { createLegacyCacheFiles } from '../../adapters/storage/audit-cache-files';
import { createDuckDbAuditOpener } from '../../adapters/storage/duckdb';
import {
  createWorkerEventIngester,
  defaultIngestThreads,
} from '../../adapters/workers/ingest-runner';
import { migrateLegacyCache } from '../../services/audit/legacy-cache';
import {
  createAuditService,
  type AuditServiceDeps,
  type AuditTarget,
} from '../../services/audit/service';
import type { JournalCallLookup } from '../../services/audit/journal-fill';
import { callsByRequestId, type JournalIndex } from '../../services/journal/query';
import type { LookupEventsPort } from '../../services/audit/sync';
import type { BilledLookup } from '../../services/billed-lookup';
import type { AreaWiring, CoreDeps } from './types';

export type AuditChannel = keyof typeof auditChannels | keyof typeof auditSqlChannels;

export type AuditWiringOptions = {
  /** Tests: wrap the LookupEvents port (e.g. to count calls). */
  wrapLookup?: (lookup: LookupEventsPort) => LookupEventsPort;
  syncTuning?: AuditServiceDeps['syncTuning'];
};

function regionsOf(connection: { region: string; regions: readonly string[] }): string[] {
  return [...new Set([connection.region, ...connection.regions])].filter((r) => r !== '');
}

/** This data folder's journal calls by AWS request id, rebuilt when the journal changes. */
function journalCallLookup(deps: CoreDeps): () => Promise<JournalCallLookup> {
  let cached: { index: JournalIndex; lookup: JournalCallLookup } | null = null;
  return async () => {
    const index = await deps.submissions.index();
    if (cached?.index !== index) {
      const calls = callsByRequestId(index);
      cached = { index, lookup: (requestId) => calls.get(requestId) };
    }
    return cached.lookup;
  };
}

export function wireAudit(
  deps: CoreDeps,
  options: AuditWiringOptions = {},
): AreaWiring<AuditChannel> & { billed: BilledLookup } {
  const auditDir = join(deps.dataDir, 'audit');
  const openDb = createDuckDbAuditOpener({ dir: auditDir });
  const legacyFiles = createLegacyCacheFiles(auditDir);

  function activeConnection() {
    const active = deps.connections.active();
    if (!active) {
      throw new AppError('CREDENTIALS_MISSING', 'No connection is active.', {
        hint: 'Choose a connection in the top bar.',
      });
    }
    return active;
  }

  async function active(): Promise<AuditTarget> {
    const connection = activeConnection();
    let accountId = connection.accountId;
    if (accountId === undefined) {
      // The cache is per account: ask who this connection is once, as the self-test does.
      const target = deps.connections.target(connection.id, connection.region);
      const sts = deps.aws.sts(target);
      try {
        const who = await sts.send(new GetCallerIdentityCommand({}));
        if (who.Account === undefined || who.Arn === undefined) {
          throw new AppError('INTERNAL', 'STS did not say which account this connection reaches.');
        }
        accountId = who.Account;
        deps.connections.recordIdentity(connection.id, { accountId: who.Account, arn: who.Arn });
      } catch (error) {
        throw mapAwsError(error, {
          operation: 'GetCallerIdentity',
          region: connection.region,
          ...(target.profile === undefined ? {} : { profile: target.profile }),
        });
      } finally {
        sts.destroy();
      }
    }
    return {
      connectionId: connection.id,
      connectionName: connection.name,
      accountId,
      regions: regionsOf(connection),
      isSandbox: connection.isSandbox,
    };
  }

  const journalCalls = journalCallLookup(deps);
  const ingester = deps.ingestWorker
    ? createWorkerEventIngester(deps.ingestWorker, {
        threads: defaultIngestThreads(),
        onFallback: (reason) =>
          deps.logger.warn('audit: ingest worker failed; parsing in place', { reason }),
      })
    : null;
  const service = createAuditService({
    openDb,
    ...(ingester ? { ingest: ingester.ingest } : {}),
    savedQueries: deps.store,
    journalCalls,
    prepare: async (cache) => {
      const moved = await migrateLegacyCache(
        legacyFiles,
        cache,
        (progress) => deps.bus.emit('task:progress', progress),
        await journalCalls(),
      );
      if (moved) deps.logger.info('audit: older cache moved', { regions: moved.regions });
    },
    active,
    activeQuick: () => {
      const connection = deps.connections.active();
      return {
        name: connection?.name ?? '',
        isSandbox: connection?.isSandbox ?? false,
        accountId: connection?.accountId ?? null,
        regions: connection ? regionsOf(connection) : [],
      };
    },
    lookupFor: (target) => {
      const clients = new Map<string, CloudTrailClient>();
      // No SDK retries: the sync engine paces, retries throttles silently and checkpoints.
      const clientFor = (region: string): CloudTrailClient => {
        let client = clients.get(region);
        if (!client) {
          client = deps.aws.cloudtrail(deps.connections.target(target.connectionId, region), {
            maxAttempts: 1,
          });
          clients.set(region, client);
        }
        return client;
      };
      const lookup = createCloudTrailLookup(clientFor);
      return {
        lookup: options.wrapLookup ? options.wrapLookup(lookup) : lookup,
        close: () => {
          for (const client of clients.values()) client.destroy();
          clients.clear();
        },
      };
    },
    explain: (error, region) => {
      const mapped = mapAwsError(error, { operation: 'LookupEvents', region });
      return {
        code: mapped.code,
        message: mapped.message,
        ...(mapped.hint === undefined ? {} : { hint: mapped.hint }),
      };
    },
    pacer: deps.pacer,
    now: deps.now,
    sleep: realTime.sleep,
    journalRows: async () => (await deps.submissions.index()).rows,
    emitStatus: (status) => deps.bus.emit('audit:progress', status),
    emitTask: (progress) => deps.bus.emit('task:progress', progress),
    emitChanged: (version) => deps.bus.emit('audit:changed', { version }),
    newId: randomUUID,
    osUser: deps.osUser,
    ...(options.syncTuning === undefined ? {} : { syncTuning: options.syncTuning }),
    log: (message, data) => deps.logger.info(message, data),
  });

  return {
    handlers: {
      'audit:info': () => service.info(),
      'audit:sync-start': (input) => service.startSync(input),
      'audit:sync-cancel': (input) => service.cancelSync(input.taskId),
      'audit:sync-status': (input) => service.syncStatus(input.taskId),
      'audit:completeness': (input) => service.completeness(input),
      'audit:query': (input) => service.query(input),
      'audit:aggregate': (input) => service.aggregate(input.filter, input.aggregate),
      'audit:raw': (input) => service.raw(input.eventId),
      'audit:unseen': (input) => service.unseen(input.graceMinutes),
      'audit:export': (input) => service.exportRows(input),
      'audit:evidence': (input) => service.evidence(input),
      'audit:clear': (input) => service.clear(input.regions),
      'audit:import-trail': (input) => service.importTrail(input),
      'audit:sql': (input) => service.sql.run(input),
      'audit:sql-cancel': (input) => service.sql.cancel(input.queryId),
      'audit:sql-export': (input) => service.sql.exportResult(input),
      'audit:sql-saved': () => service.sql.saved(),
      'audit:sql-save': (input) => service.sql.save(input),
      'audit:sql-delete': (input) => service.sql.remove(input.id),
    },
    close: async () => {
      await service.close();
      await ingester?.close();
    },
    billed: service.billed,
  };
}
