// CloudTrail syncs, one at a time per app, across the active connection's regions: started,
// followed (status, task progress, throttled "cache changed" notices), cancelled, and the last
// twenty remembered for their status.
import type { AuditSyncProgress } from '../../../shared/audit';
import type { AuditSyncMode, AuditSyncStatus } from '../../../shared/channels/audit';
import { AppError } from '../../../shared/errors';
import type { AccountCache } from './account-cache';
import type { AuditServiceDeps, AuditTarget } from './service';
import type { AuditServiceContext } from './service-context';
import { syncAudit, type AuditSyncOptions, type AuditSyncRegionResult } from './sync';
import {
  endState,
  initialStatus,
  regionsAfterSync,
  summarize,
  syncTaskProgress,
} from './sync-status';

type Running = {
  status: AuditSyncStatus;
  controller: AbortController;
  done: Promise<AuditSyncStatus>;
};

type SyncInput = { regions?: string[] | undefined; mode: AuditSyncMode };

function publish(deps: AuditServiceDeps, status: AuditSyncStatus): void {
  deps.emitStatus(status);
  deps.emitTask(syncTaskProgress(status));
}

/** The regions to sync: those asked for, each one of the connection's. */
function regionsToSync(target: AuditTarget, input: SyncInput): string[] {
  const regions = input.regions ?? [...target.regions];
  const unknown = regions.filter((r) => !target.regions.includes(r));
  if (unknown.length > 0) {
    throw new AppError(
      'VALIDATION',
      `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not among the regions of “${target.connectionName}”.`,
      { hint: 'Add the region to the connection on the Connections screen first.' },
    );
  }
  return regions;
}

/** Tells the views the cache changed: at most once a second while running, always at the end. */
function changeNotices(deps: AuditServiceDeps, cache: AccountCache): (force: boolean) => void {
  let lastChanged = 0;
  return (force) => {
    const at = deps.now();
    if (!force && at - lastChanged < 1_000) return;
    lastChanged = at;
    deps.emitChanged(cache.version());
  };
}

function engineOptions(
  deps: AuditServiceDeps,
  accountId: string,
  regions: readonly string[],
  input: SyncInput,
): Omit<AuditSyncOptions, 'signal' | 'onProgress'> {
  return {
    targets: regions.map((region) => ({ accountId, region })),
    attribute: input.mode === 'all-metering' ? 'EventSource' : 'EventName',
    ...(deps.syncTuning?.overlapMs === undefined ? {} : { overlapMs: deps.syncTuning.overlapMs }),
    ...(deps.syncTuning?.latencyMarginMs === undefined
      ? {}
      : { latencyMarginMs: deps.syncTuning.latencyMarginMs }),
  };
}

function logSyncEnd(
  deps: AuditServiceDeps,
  taskId: string,
  state: AuditSyncStatus['state'],
  results: readonly AuditSyncRegionResult[],
): void {
  deps.log?.('audit: sync ended', {
    taskId,
    state,
    results: results.map((r) => ({
      region: r.region,
      outcome: r.outcome,
      pages: r.pages,
      added: r.added,
      throttleRetries: r.throttleRetries,
    })),
  });
}

/** Every region failed with the one error that stopped the whole sync. */
function failedStatus(
  deps: AuditServiceDeps,
  status: AuditSyncStatus,
  error: unknown,
  firstRegion: string,
): AuditSyncStatus {
  const explained = deps.explain(error, firstRegion);
  return summarize({
    ...status,
    state: 'failed',
    finishedAt: deps.now(),
    regions: status.regions.map((r) => ({
      ...r,
      outcome: 'failed',
      finished: true,
      error: explained,
    })),
  });
}

export function createSyncRuns({ deps, active, sink }: AuditServiceContext) {
  let running: Running | null = null;
  const finished = new Map<string, AuditSyncStatus>();
  let lastSync: AuditSyncStatus | null = null;

  function remember(status: AuditSyncStatus): void {
    finished.set(status.taskId, status);
    while (finished.size > 20) {
      const oldest = finished.keys().next().value;
      if (oldest === undefined) break;
      finished.delete(oldest);
    }
    lastSync = status;
  }

  async function startSync(input: SyncInput) {
    if (running) {
      throw new AppError('CONFLICT', 'A CloudTrail sync is already running.', {
        hint: 'Wait for it to finish, or cancel it first.',
        details: { taskId: running.status.taskId },
      });
    }
    const { target, cache } = await active();
    const regions = regionsToSync(target, input);
    const taskId = `audit-${deps.newId()}`;
    let status = initialStatus(taskId, input.mode, target.accountId, regions, deps.now());
    const controller = new AbortController();
    const { lookup, close } = deps.lookupFor(target);
    const changed = changeNotices(deps, cache);

    const onProgress = (p: AuditSyncProgress): void => {
      status = summarize({
        ...status,
        regions: status.regions.map((r) =>
          r.region === p.region ? { ...r, ...p, outcome: r.outcome } : r,
        ),
      });
      if (running) running.status = status;
      publish(deps, status);
      if (p.added > 0) changed(false);
    };

    const done = (async (): Promise<AuditSyncStatus> => {
      try {
        const results = await syncAudit(
          { lookup, pacer: deps.pacer, clock: { now: deps.now }, sleep: deps.sleep, sink },
          {
            ...engineOptions(deps, target.accountId, regions, input),
            signal: controller.signal,
            onProgress,
          },
        );
        const regionsOut = regionsAfterSync(deps, status, results);
        const state = endState(regionsOut);
        status = summarize({ ...status, regions: regionsOut, state, finishedAt: deps.now() });
        logSyncEnd(deps, taskId, state, results);
      } catch (error) {
        status = failedStatus(deps, status, error, regions[0] ?? '');
      } finally {
        close();
        running = null;
      }
      remember(status);
      publish(deps, status);
      changed(true);
      return status;
    })();
    running = { status, controller, done };
    publish(deps, status);
    return { taskId, status };
  }

  function syncStatus(taskId?: string): AuditSyncStatus | null {
    if (taskId === undefined) return running?.status ?? lastSync;
    if (running?.status.taskId === taskId) return running.status;
    const found = finished.get(taskId);
    if (!found) throw new AppError('NOT_FOUND', `No audit sync ${taskId} in this session.`);
    return found;
  }

  async function cancelSync(taskId: string): Promise<AuditSyncStatus> {
    if (running?.status.taskId === taskId) {
      running.controller.abort();
      return running.done;
    }
    return syncStatus(taskId) ?? Promise.reject(new AppError('NOT_FOUND', 'No such sync.'));
  }

  return {
    startSync,
    syncStatus,
    cancelSync,
    /** The sync running now, if any. */
    running: () => running?.status ?? null,
    lastSync: () => lastSync,
    /** Stops a running sync at its next page; what was fetched is written and resumes later. */
    async stop(): Promise<void> {
      if (running) {
        running.controller.abort();
        await running.done.catch(() => undefined);
      }
    },
  };
}
