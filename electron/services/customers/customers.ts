// Customer registration tokens: extract (authoritatively, here in main), resolve with the active
// connection (ResolveCustomer, paced), explain failures, keep a history, and resolve lists in
// bulk. The token itself is never stored, logged or returned: only a short hash of it, enough to
// recognise a repeat.
import { createHash } from 'node:crypto';
import type {
  BulkRow,
  BulkStatus,
  ExtractionSummary,
  ProductMatch,
  ResolutionEntry,
  ResolveFailure,
  ResolveResult,
  ResolvedCustomer,
} from '../../../shared/channels/customers';
import { BULK_MAX_TOKENS } from '../../../shared/channels/customers';
import type { ConnectionSummary, TaskProgress } from '../../../shared/contract';
import { parseBulkInput } from '../../../shared/customers';
import { AppError } from '../../../shared/errors';
import { extractRegistrationToken } from '../../../shared/tokens';
import type { AwsTarget } from '../connections';
import type { Pacer } from '../pacing';
import {
  explainResolveFailure,
  needsCredentialsCheck,
  type CredentialsCheck,
} from './explain-failure';

export { explainResolveFailure, type CredentialsCheck } from './explain-failure';

/** Calls ResolveCustomer; throws an AppError from the one AWS error mapper on failure. */
export type ResolveCustomerPort = (target: AwsTarget, token: string) => Promise<ResolvedCustomer>;

/** Another call on the same credentials (STS GetCallerIdentity); never throws. */
export type CredentialsCheckPort = (target: AwsTarget) => Promise<CredentialsCheck>;

/** A credentials check is reused this long for the same connection (bulk runs ask often). */
const CHECK_REUSE_MS = 30_000;

export type ResolutionHistoryStore = {
  append: (entry: ResolutionEntry) => void;
  /** Oldest first. */
  list: () => readonly ResolutionEntry[];
  /** Forgets every entry (on disk too); answers how many there were. */
  clear: () => number;
};

/** What the user types to confirm clearing the history (the channel's input checks it too). */
export const HISTORY_CLEAR_CONFIRMATION = 'CLEAR';

export type ProductLookup = (
  connection: ConnectionSummary,
  productCode: string,
) => Promise<ProductMatch>;

export type CustomersDeps = {
  connections: {
    active: () => ConnectionSummary | null;
    target: (id: string, region?: string) => AwsTarget;
  };
  resolveCustomer: ResolveCustomerPort;
  /** Tells an expired registration token from expired credentials (ExpiredTokenException). */
  checkCredentials?: CredentialsCheckPort;
  history: ResolutionHistoryStore;
  products: ProductLookup;
  pacer: Pacer;
  emitProgress: (progress: TaskProgress) => void;
  now: () => number;
  newId: () => string;
  /** Calls in flight during a bulk run (the pacer still caps the rate). Default 4. */
  bulkConcurrency?: number;
};

export type CustomersService = {
  resolve: (pasted: string) => Promise<ResolveResult>;
  history: (limit?: number) => { entries: ResolutionEntry[]; total: number };
  /** Empties the history; `confirm` must be exactly "CLEAR" (VALIDATION otherwise). */
  clearHistory: (confirm: string) => { removed: number };
  bulkStart: (text: string) => BulkStatus;
  bulkStatus: (taskId: string, from?: number) => BulkStatus;
  bulkCancel: (taskId: string) => BulkStatus;
  /** Resolves when every bulk run has stopped (shutdown, tests). */
  close: () => Promise<void>;
};

export const BULK_TASK_KIND = 'customers:bulk-resolve';

/** First 12 hex digits of SHA-256: recognises a repeat without keeping anything usable. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 12);
}

type Extracted = Extract<ReturnType<typeof extractRegistrationToken>, { ok: true }>;

function summary(extraction: Extracted, hash: string): ExtractionSummary {
  return {
    source: extraction.source,
    steps: extraction.steps,
    warnings: extraction.warnings,
    ...(extraction.offerType === undefined ? {} : { offerType: extraction.offerType }),
    tokenLength: extraction.token.length,
    tokenHash: hash,
  };
}

/** What the call answered, and the region it went to (the active region, not just the default). */
type Outcome = ({ customer: ResolvedCustomer } | { failure: ResolveFailure }) & { region: string };

type BulkTask = {
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

const KEEP_TASKS = 10;

export function createCustomersService(deps: CustomersDeps): CustomersService {
  const tasks = new Map<string, BulkTask>();
  const checks = new Map<string, { at: number; check: Promise<CredentialsCheck> }>();

  /** Tries the same credentials on another call, once per connection and half minute. */
  function checkCredentials(
    connection: ConnectionSummary,
    target: AwsTarget,
  ): Promise<CredentialsCheck> | undefined {
    if (!deps.checkCredentials) return undefined;
    const recent = checks.get(connection.id);
    if (recent && deps.now() - recent.at < CHECK_REUSE_MS) return recent.check;
    const check = deps.checkCredentials(target);
    checks.set(connection.id, { at: deps.now(), check });
    return check;
  }

  function activeConnection(): ConnectionSummary {
    const connection = deps.connections.active();
    if (!connection) {
      throw new AppError('NOT_FOUND', 'There is no active connection.', {
        hint: 'Add or choose a connection in Connections first.',
      });
    }
    return connection;
  }

  async function callAws(
    connection: ConnectionSummary,
    token: string,
    signal?: AbortSignal,
  ): Promise<Outcome> {
    let target: AwsTarget;
    try {
      target = deps.connections.target(connection.id);
    } catch (error) {
      return { failure: explainResolveFailure(error, token), region: connection.region };
    }
    // A cancel while waiting for a turn rejects here: nothing was sent, the caller says so.
    await deps.pacer.acquire(
      {
        accountId: connection.accountId ?? connection.id,
        region: target.region,
        api: 'ResolveCustomer',
      },
      signal,
    );
    try {
      return { customer: await deps.resolveCustomer(target, token), region: target.region };
    } catch (error) {
      const check = needsCredentialsCheck(error)
        ? await checkCredentials(connection, target)
        : undefined;
      return { failure: explainResolveFailure(error, token, check), region: target.region };
    }
  }

  function entryFor(
    connection: ConnectionSummary,
    extraction: Extracted,
    hash: string,
    outcome: Outcome,
    at: number,
    bulkTaskId?: string,
  ): ResolutionEntry {
    return {
      id: deps.newId(),
      at: new Date(at).toISOString(),
      connectionId: connection.id,
      connectionName: connection.name,
      ...(connection.accountId === undefined ? {} : { accountId: connection.accountId }),
      region: outcome.region,
      tokenHash: hash,
      source: extraction.source,
      ...(extraction.offerType === undefined ? {} : { offerType: extraction.offerType }),
      ...('customer' in outcome
        ? { outcome: 'resolved' as const, customer: outcome.customer }
        : {
            outcome: 'failed' as const,
            failureKind: outcome.failure.kind,
            failureTitle: outcome.failure.title,
          }),
      ...(bulkTaskId === undefined ? {} : { bulkTaskId }),
    };
  }

  function earlier(hash: string): ResolutionEntry[] {
    return deps.history
      .list()
      .filter((entry) => entry.tokenHash === hash)
      .reverse();
  }

  async function resolve(pasted: string): Promise<ResolveResult> {
    const extraction = extractRegistrationToken(pasted);
    if (!extraction.ok) {
      throw new AppError('VALIDATION', extraction.reason, {
        hint: 'Paste the token, the form body the buyer’s browser posted, a URL, a curl command or a HAR entry.',
      });
    }
    const connection = activeConnection();
    const hash = tokenHash(extraction.token);
    const previous = earlier(hash);
    const at = deps.now();
    const outcome = await callAws(connection, extraction.token);
    const entry = entryFor(connection, extraction, hash, outcome, at);
    deps.history.append(entry);
    const result: ResolveResult = { entry, extraction: summary(extraction, hash), previous };
    if ('failure' in outcome) return { ...result, failure: outcome.failure };
    const productCode = outcome.customer.productCode;
    const product: ProductMatch =
      productCode === undefined || productCode === ''
        ? {
            status: 'no-product-code',
            note: 'AWS did not return a product code for this token.',
          }
        : await deps.products(connection, productCode).catch((): ProductMatch => ({
            status: 'no-catalog',
            note: 'The product catalog could not be read.',
          }));
    return { ...result, customer: outcome.customer, product };
  }

  function statusOf(task: BulkTask, from = 0): BulkStatus {
    const elapsed = ((task.finishedAtMs ?? deps.now()) - task.startedAtMs) / 1000;
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

  function progress(task: BulkTask): void {
    const status = statusOf(task, task.rows.length);
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

  function bulkStart(text: string): BulkStatus {
    const parsed = parseBulkInput(text);
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
    const connection = activeConnection();
    const taskId = deps.newId();
    const history = deps.history.list();
    const lastSeen = new Map<string, string>();
    for (const entry of history) lastSeen.set(entry.tokenHash, entry.at);

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
    const hashes = new Map<string, string>();
    for (const item of parsed.items) {
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

    const signal = task.controller.signal;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < queue.length && !signal.aborted) {
        const item = queue[next];
        next += 1;
        if (item === undefined) break;
        const hash = hashes.get(item.extraction.token) ?? tokenHash(item.extraction.token);
        const at = deps.now();
        let outcome: Outcome;
        try {
          outcome = await callAws(connection, item.extraction.token, signal);
        } catch {
          // Cancelled while waiting for its turn: nothing was sent for this token.
          task.rows.push({ line: item.line, tokenHash: hash, outcome: 'cancelled' });
          continue;
        }
        deps.history.append(entryFor(connection, item.extraction, hash, outcome, at, taskId));
        const before = lastSeen.get(hash);
        task.done += 1;
        if ('customer' in outcome) {
          task.counts.resolved += 1;
          task.rows.push({
            line: item.line,
            tokenHash: hash,
            outcome: 'resolved',
            customer: outcome.customer,
            ...(before === undefined ? {} : { resolvedBefore: before }),
          });
        } else {
          task.counts.failed += 1;
          task.rows.push({
            line: item.line,
            tokenHash: hash,
            outcome: 'failed',
            failureKind: outcome.failure.kind,
            message: outcome.failure.title,
            nextStep: outcome.failure.nextStep,
            ...(before === undefined ? {} : { resolvedBefore: before }),
          });
        }
        progress(task);
      }
    };

    const concurrency = Math.max(1, Math.min(deps.bulkConcurrency ?? 4, queue.length));
    task.finished = Promise.all(Array.from({ length: concurrency }, () => worker())).then(() => {
      // Tokens never taken from the queue because of a cancel.
      for (const item of queue.slice(next)) {
        task.rows.push({
          line: item.line,
          tokenHash: hashes.get(item.extraction.token) ?? tokenHash(item.extraction.token),
          outcome: 'cancelled',
        });
      }
      task.state = signal.aborted ? 'cancelled' : 'finished';
      task.finishedAtMs = deps.now();
      progress(task);
    });

    tasks.set(taskId, task);
    for (const id of [...tasks.keys()].slice(0, Math.max(0, tasks.size - KEEP_TASKS))) {
      if (tasks.get(id)?.state !== 'running') tasks.delete(id);
    }
    progress(task);
    return statusOf(task);
  }

  function taskOf(taskId: string): BulkTask {
    const task = tasks.get(taskId);
    if (!task) throw new AppError('NOT_FOUND', `No bulk resolve run "${taskId}".`);
    return task;
  }

  return {
    resolve,
    history(limit = 500) {
      const all = deps.history.list();
      return { entries: all.slice(-limit).reverse(), total: all.length };
    },
    clearHistory(confirm) {
      if (confirm !== HISTORY_CLEAR_CONFIRMATION) {
        throw new AppError('VALIDATION', 'Clearing the history needs the typed confirmation.', {
          hint: `Type ${HISTORY_CLEAR_CONFIRMATION} to confirm.`,
        });
      }
      return { removed: deps.history.clear() };
    },
    bulkStart,
    bulkStatus: (taskId, from) => statusOf(taskOf(taskId), from),
    bulkCancel(taskId) {
      const task = taskOf(taskId);
      if (task.state === 'running') task.controller.abort();
      return statusOf(task);
    },
    async close() {
      for (const task of tasks.values()) task.controller.abort();
      await Promise.all([...tasks.values()].map((task) => task.finished));
    },
  };
}
