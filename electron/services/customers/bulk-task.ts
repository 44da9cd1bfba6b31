// A bulk resolve run as it goes: its counts and rows, and its status with rate and time left,
// told to the views as task progress.
import type { BulkRow, BulkStatus } from '../../../shared/channels/customers';
import type { CustomersDeps } from './ports';

export const BULK_TASK_KIND = 'customers:bulk-resolve';

export type BulkTask = {
  taskId: string;
  state: BulkStatus['state'];
  total: number;
  done: number;
  startedAtMs: number;
  finishedAtMs?: number;
  counts: BulkStatus['counts'];
  rows: BulkRow[];
  controller: AbortController;
  finished: Promise<void>;
};

/** The run's status with the rows from `from` on. */
export function bulkStatusOf(task: BulkTask, now: () => number, from = 0): BulkStatus {
  const elapsed = ((task.finishedAtMs ?? now()) - task.startedAtMs) / 1000;
  // Under a second the first call (which never waits) inflates the rate: wait for a sample.
  const rate = task.done > 0 && elapsed >= 1 ? task.done / elapsed : null;
  const left =
    task.state !== 'running' ? 0 : rate === null ? null : (task.total - task.done) / rate;
  return {
    taskId: task.taskId,
    state: task.state,
    total: task.total,
    done: task.done,
    startedAt: new Date(task.startedAtMs).toISOString(),
    ...(task.finishedAtMs === undefined
      ? {}
      : { finishedAt: new Date(task.finishedAtMs).toISOString() }),
    ratePerSecond: rate,
    secondsLeft: left,
    counts: { ...task.counts },
    rows: task.rows.slice(Math.min(from, task.rows.length)),
    nextFrom: task.rows.length,
  };
}

export function reportBulkProgress(deps: CustomersDeps, task: BulkTask): void {
  const status = bulkStatusOf(task, () => deps.now(), task.rows.length);
  deps.emitProgress({
    taskId: task.taskId,
    kind: BULK_TASK_KIND,
    done: task.done,
    total: task.total,
    ratePerSecond: status.ratePerSecond,
    secondsLeft: status.secondsLeft,
    message: `${task.counts.resolved} resolved, ${task.counts.failed} failed`,
    finished: task.state !== 'running',
  });
}
