// Bulk resolve runs: a pasted list (lines or CSV) is checked, its unreadable lines and repeats
// are reported without a call, and its tokens are resolved by a few workers (the pacer caps the
// rate) until done or cancelled. The last runs are kept for their status.
import type { BulkRow, BulkStatus } from '../../../shared/channels/customers';
import { BULK_MAX_TOKENS } from '../../../shared/channels/customers';
import type { ConnectionSummary } from '../../../shared/contract';
import { parseBulkInput, type BulkItem, type BulkParse } from '../../../shared/customers';
import { AppError } from '../../../shared/errors';
import { bulkStatusOf, reportBulkProgress, type BulkTask } from './bulk-task';
import { historyEntry, tokenHash } from './history-entry';
import type { CustomersDeps } from './ports';
import { activeConnection, type Outcome, type ResolveCall } from './resolve-call';

const KEEP_TASKS = 10;

type TokenItem = Extract<BulkItem, { kind: 'token' }>;

/** The tokens to resolve; refuses a list with none, or with more than one run takes. */
function tokensToResolve(parsed: BulkParse): TokenItem[] {
  const queue = parsed.items.flatMap((item) => (item.kind === 'token' ? [item] : []));
  if (queue.length === 0) {
    const firstReason = parsed.items.find((item) => item.kind === 'unreadable');
    throw new AppError('VALIDATION', 'No registration token was found in the list.', {
      hint:
        firstReason?.kind === 'unreadable'
          ? `Line ${firstReason.line}: ${firstReason.reason}`
          : 'Paste one token or form body per line, or a CSV with a "token" column.',
    });
  }
  if (queue.length > BULK_MAX_TOKENS) {
    throw new AppError(
      'VALIDATION',
      `The list holds ${queue.length.toLocaleString('en-US')} tokens; one run takes at most ${BULK_MAX_TOKENS.toLocaleString('en-US')}.`,
      { hint: 'Split the list and resolve it in parts.' },
    );
  }
  return queue;
}

/** Rows for the lines that need no call; answers the hash of each token to resolve. */
function skipUnreadableAndRepeats(task: BulkTask, items: readonly BulkItem[]): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const item of items) {
    if (item.kind === 'unreadable') {
      task.counts.skipped += 1;
      task.rows.push({ line: item.line, outcome: 'skipped', message: item.reason });
    } else if (item.kind === 'duplicate') {
      task.counts.skipped += 1;
      const hash = tokenHash(item.extraction.token);
      task.rows.push({
        line: item.line,
        tokenHash: hash,
        outcome: 'duplicate',
        message: `Same token as line ${item.duplicateOf}; resolved once.`,
      });
    } else {
      hashes.set(item.extraction.token, tokenHash(item.extraction.token));
    }
  }
  return hashes;
}

/** The row of a token that was sent, counted as resolved or failed. */
function answeredRow(
  task: BulkTask,
  item: TokenItem,
  hash: string,
  outcome: Outcome,
  before: string | undefined,
): BulkRow {
  const seenBefore = before === undefined ? {} : { resolvedBefore: before };
  if ('customer' in outcome) {
    task.counts.resolved += 1;
    return {
      line: item.line,
      tokenHash: hash,
      outcome: 'resolved',
      customer: outcome.customer,
      ...seenBefore,
    };
  }
  task.counts.failed += 1;
  return {
    line: item.line,
    tokenHash: hash,
    outcome: 'failed',
    failureKind: outcome.failure.kind,
    message: outcome.failure.title,
    nextStep: outcome.failure.nextStep,
    ...seenBefore,
  };
}

type Run = {
  deps: CustomersDeps;
  callAws: ResolveCall;
  connection: ConnectionSummary;
  task: BulkTask;
  queue: readonly TokenItem[];
  hashes: Map<string, string>;
  /** When each token hash was last resolved before this run. */
  lastSeen: Map<string, string>;
};

/** Resolves the queue with a few workers; every token ends with a row, cancelled ones too. */
function resolveQueue(run: Run): Promise<void> {
  const { deps, callAws, connection, task, queue, hashes, lastSeen } = run;
  const hashOf = (item: TokenItem) =>
    hashes.get(item.extraction.token) ?? tokenHash(item.extraction.token);
  const signal = task.controller.signal;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length && !signal.aborted) {
      const item = queue[next];
      next += 1;
      if (item === undefined) break;
      const hash = hashOf(item);
      const at = deps.now();
      let outcome: Outcome;
      try {
        outcome = await callAws(connection, item.extraction.token, signal);
      } catch {
        // Cancelled while waiting for its turn: nothing was sent for this token.
        task.rows.push({ line: item.line, tokenHash: hash, outcome: 'cancelled' });
        continue;
      }
      const entry = historyEntry(
        deps.newId(),
        connection,
        item.extraction,
        hash,
        outcome,
        at,
        task.taskId,
      );
      deps.history.append(entry);
      const before = lastSeen.get(hash);
      task.done += 1;
      task.rows.push(answeredRow(task, item, hash, outcome, before));
      reportBulkProgress(deps, task);
    }
  };
  const concurrency = Math.max(1, Math.min(deps.bulkConcurrency ?? 4, queue.length));
  return Promise.all(Array.from({ length: concurrency }, () => worker())).then(() => {
    // Tokens never taken from the queue because of a cancel.
    for (const item of queue.slice(next)) {
      task.rows.push({ line: item.line, tokenHash: hashOf(item), outcome: 'cancelled' });
    }
    task.state = signal.aborted ? 'cancelled' : 'finished';
    task.finishedAtMs = deps.now();
    reportBulkProgress(deps, task);
  });
}

function startRun(deps: CustomersDeps, callAws: ResolveCall, text: string): BulkTask {
  const parsed = parseBulkInput(text);
  const queue = tokensToResolve(parsed);
  const connection = activeConnection(deps);
  const taskId = deps.newId();
  const lastSeen = new Map<string, string>();
  for (const entry of deps.history.list()) lastSeen.set(entry.tokenHash, entry.at);
  const task: BulkTask = {
    taskId,
    state: 'running',
    total: queue.length,
    done: 0,
    startedAtMs: deps.now(),
    counts: { resolved: 0, failed: 0, skipped: 0 },
    rows: [],
    controller: new AbortController(),
    finished: Promise.resolve(),
  };
  const hashes = skipUnreadableAndRepeats(task, parsed.items);
  task.finished = resolveQueue({ deps, callAws, connection, task, queue, hashes, lastSeen });
  return task;
}

export function createBulkRuns(deps: CustomersDeps, callAws: ResolveCall) {
  const tasks = new Map<string, BulkTask>();

  function taskOf(taskId: string): BulkTask {
    const task = tasks.get(taskId);
    if (!task) throw new AppError('NOT_FOUND', `No bulk resolve run "${taskId}".`);
    return task;
  }

  return {
    bulkStart(text: string): BulkStatus {
      const task = startRun(deps, callAws, text);
      tasks.set(task.taskId, task);
      for (const id of [...tasks.keys()].slice(0, Math.max(0, tasks.size - KEEP_TASKS))) {
        if (tasks.get(id)?.state !== 'running') tasks.delete(id);
      }
      reportBulkProgress(deps, task);
      return bulkStatusOf(task, () => deps.now());
    },
    bulkStatus: (taskId: string, from?: number) =>
      bulkStatusOf(taskOf(taskId), () => deps.now(), from),
    bulkCancel(taskId: string): BulkStatus {
      const task = taskOf(taskId);
      if (task.state === 'running') task.controller.abort();
      return bulkStatusOf(task, () => deps.now());
    },
    async close(): Promise<void> {
      for (const task of tasks.values()) task.controller.abort();
      await Promise.all([...tasks.values()].map((task) => task.finished));
    },
  };
}
