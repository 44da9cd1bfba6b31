// A CloudTrail sync's status as the views see it: per region, summed up, and told as task
// progress; and how the sync engine's per-region results end it.
import type {
  AuditRegionSync,
  AuditSyncMode,
  AuditSyncStatus,
} from '../../../shared/channels/audit';
import type { TaskProgress } from '../../../shared/contract';
import type { AuditServiceDeps } from './service';
import type { AuditSyncRegionResult } from './sync';

/** The totals, rate and time left of the whole sync, from its regions. */
export function summarize(status: AuditSyncStatus): AuditSyncStatus {
  const regions = status.regions;
  const sum = (pick: (r: AuditRegionSync) => number): number =>
    regions.reduce((s, r) => s + pick(r), 0);
  const rates = regions.map((r) => r.eventsPerSecond).filter((v): v is number => v !== null);
  const lefts = regions
    .filter((r) => r.outcome === 'running')
    .map((r) => r.secondsLeft)
    .filter((v): v is number => v !== null);
  return {
    ...status,
    events: sum((r) => r.events),
    added: sum((r) => r.added),
    pages: sum((r) => r.pages),
    eventsPerSecond: rates.length > 0 ? rates.reduce((a, b) => a + b, 0) : null,
    secondsLeft: status.state !== 'running' ? 0 : lefts.length > 0 ? Math.max(...lefts) : null,
    fraction: regions.length > 0 ? sum((r) => r.fraction) / regions.length : 1,
  };
}

export function initialStatus(
  taskId: string,
  mode: AuditSyncMode,
  accountId: string,
  regions: readonly string[],
  startedAt: number,
): AuditSyncStatus {
  return summarize({
    taskId,
    mode,
    accountId,
    state: 'running',
    startedAt,
    regions: regions.map((region) => ({
      accountId,
      region,
      pages: 0,
      events: 0,
      added: 0,
      eventsPerSecond: null,
      secondsLeft: null,
      fraction: 0,
      finished: false,
      outcome: 'running',
    })),
    events: 0,
    added: 0,
    pages: 0,
    eventsPerSecond: null,
    secondsLeft: null,
    fraction: 0,
  });
}

/** Each region as the engine left it; a region with no result failed. */
export function regionsAfterSync(
  deps: Pick<AuditServiceDeps, 'explain'>,
  status: AuditSyncStatus,
  results: readonly AuditSyncRegionResult[],
): AuditRegionSync[] {
  const byRegion = new Map(results.map((r) => [r.region, r]));
  return status.regions.map((r): AuditRegionSync => {
    const result = byRegion.get(r.region);
    if (!result) return { ...r, outcome: 'failed', finished: true };
    const out: AuditRegionSync = {
      ...r,
      pages: result.pages,
      events: result.events,
      added: result.added,
      outcome: result.outcome,
      finished: true,
      fraction: result.outcome === 'complete' ? 1 : r.fraction,
      secondsLeft: 0,
    };
    if (result.error) {
      // The engine keeps the SDK error's name and message; explain it once, here.
      const error = Object.assign(new Error(result.error.message), {
        name: result.error.name,
      });
      out.error = deps.explain(error, r.region);
    }
    return out;
  });
}

/** Failed if a region failed, else cancelled if one was, else finished. */
export function endState(regions: readonly AuditRegionSync[]): AuditSyncStatus['state'] {
  return regions.some((r) => r.outcome === 'failed')
    ? 'failed'
    : regions.some((r) => r.outcome === 'cancelled')
      ? 'cancelled'
      : 'finished';
}

export function syncTaskProgress(status: AuditSyncStatus): TaskProgress {
  const total = status.regions.length * 1000;
  const done = Math.min(total, Math.round(status.fraction * total));
  return {
    taskId: status.taskId,
    kind: 'audit:sync',
    done,
    total,
    ratePerSecond: status.eventsPerSecond,
    secondsLeft: status.secondsLeft,
    message:
      status.state === 'running'
        ? `${status.events.toLocaleString('en-US')} events read, ${status.added.toLocaleString('en-US')} new`
        : `CloudTrail sync ${status.state}`,
    finished: status.state !== 'running',
  };
}
