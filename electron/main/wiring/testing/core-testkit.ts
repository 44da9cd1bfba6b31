// Test helpers for the submission side through the real core (router, engine, disk journal,
// built-in sandbox): boot a core on a data folder, call channels, build billable records from
// the sandbox's seeded world, and switch to a "real" connection — pasted keys with a custom
// endpoint that happen to reach the sandbox, so the billing guard treats it as real AWS.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { AnyEvent, Channel, ChannelOutput } from '../../../../shared/contract';
import type { Product, UsageRecord } from '../../../../shared/metering';
import { createMemoryLogger } from '../../../core/logger';
import { createConfStore } from '../../../adapters/storage/conf-store';
import { createMemoryStore } from '../../../adapters/storage/memory-store';
import type { AdminState } from '../../../sandbox/testing/sandbox-testkit';
import { SANDBOX_ID_PREFIX } from '../../../services/metering/catalog';
import { startCore, type Core } from '../../core';

export type BootedCore = { core: Core; events: AnyEvent[]; dataDir: string };

export type BootOptions = {
  /** CloudTrail history the built-in sandbox seeds (none by default). */
  sandboxHistoryEvents?: number;
  /** Settings kept in memory (default) or in the data folder's settings file. */
  settings?: 'memory' | 'file';
};

/** Starts a core on `dataDir` (a new temporary folder by default); `close` stops and deletes. */
export async function bootCore(
  now: () => number,
  dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-core-')),
  options: BootOptions = {},
): Promise<BootedCore & { close: (keep?: boolean) => Promise<void> }> {
  const core = await startCore({
    host: 'browser',
    dataDir,
    settingsStore:
      options.settings === 'file' ? createConfStore(dataDir, 'settings') : createMemoryStore(),
    logger: createMemoryLogger(),
    sandboxHistoryEvents: options.sandboxHistoryEvents ?? 0,
    now,
  });
  const events: AnyEvent[] = [];
  core.bus.subscribe((e) => events.push(e));
  return {
    core,
    events,
    dataDir,
    close: async (keep = false) => {
      await core.close();
      if (!keep) rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

export type FileCore = BootedCore & {
  call: <C extends Channel>(channel: C, input: unknown) => Promise<ChannelOutput<C>>;
};

/**
 * One core for all of a test file: booted before its first test, closed (and its folder
 * deleted) after its last. The fields are read once the core is up, inside tests.
 */
export function useFileCore(now: () => number, options: BootOptions = {}): FileCore {
  let booted: Awaited<ReturnType<typeof bootCore>> | undefined;
  beforeAll(async () => {
    booted = await bootCore(now, undefined, options);
  });
  afterAll(async () => {
    await booted?.close();
  });
  const current = (): BootedCore => {
    if (!booted) throw new Error('the core starts in beforeAll: read it inside a test');
    return booted;
  };
  return {
    get core() {
      return current().core;
    },
    get events() {
      return current().events;
    },
    get dataDir() {
      return current().dataDir;
    },
    call: (channel, input) => call(current().core, channel, input),
  };
}

export async function call<C extends Channel>(
  core: Core,
  channel: C,
  input: unknown,
): Promise<ChannelOutput<C>> {
  const result = await core.router.call(channel, input, { host: 'test' });
  if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`);
  return result.value as ChannelOutput<C>;
}

/** The error a call answers with; fails the test when it succeeds. */
export async function callError(core: Core, channel: Channel, input: unknown) {
  const result = await core.router.call(channel, input, { host: 'test' });
  if (result.ok) throw new Error(`${channel} was expected to fail`);
  return result.error;
}

/** The built-in sandbox's seeded world, as it persisted it in the data folder. */
export function adminState(dataDir: string): AdminState {
  return JSON.parse(readFileSync(join(dataDir, 'sandbox', 'world.json'), 'utf8')) as AdminState;
}

export async function until<T>(probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until a submission has ended and returns its status. */
export function finished(core: Core, submissionId: string) {
  return until(async () => {
    const s = await call(core, 'metering:submission-status', { submissionId });
    return s.state === 'running' ? undefined : s;
  }, 60_000);
}

/**
 * Good legacy records for the sandbox's first legacy SaaS product: distinct (customer,
 * dimension, hour) buckets in the hours before `now`; `productId` names the catalog entry.
 */
export function sandboxRecords(
  state: AdminState,
  count: number,
  now: number,
  productIdPrefix = SANDBOX_ID_PREFIX,
): UsageRecord[] {
  const product = state.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const suspended = new Set(state.customers.filter((c) => c.suspended).map((c) => c.awsAccountId));
  const subs = state.subscriptions.filter(
    (s) =>
      s.productCode === product?.productCode &&
      s.status === 'active' &&
      !suspended.has(s.customerAwsAccountId) &&
      s.customerIdentifier !== undefined &&
      s.activatedAt < now - 30 * 3_600_000,
  );
  if (!product || subs.length === 0) throw new Error('no fixture');
  const hour = Math.floor(now / 3_600_000) * 3_600_000;
  return Array.from({ length: count }, (_, i): UsageRecord => {
    const sub = subs[i % subs.length];
    const dimension = product.dimensions[Math.floor(i / subs.length) % product.dimensions.length];
    return {
      productId: `${productIdPrefix}${product.productCode}`,
      operation: 'BatchMeterUsage',
      productCode: product.productCode,
      ...(sub?.customerIdentifier === undefined
        ? {}
        : { customerIdentifier: sub.customerIdentifier }),
      dimension: dimension?.name ?? '',
      quantity: 10 + i,
      timestamp: new Date(
        hour - (1 + Math.floor(i / (subs.length * product.dimensions.length))) * 3_600_000,
      ).toISOString(),
    };
  });
}

/** The product id prefix of the sandbox's products once copied into the user's own catalog. */
export const REAL_PRODUCT_PREFIX = 'real-';

type SandboxCredential = { accessKeyId: string; secretAccessKey: string; accountId: string };

/**
 * Adds and activates a connection that is NOT the built-in Sandbox: pasted keys (kept for this
 * run) with a custom endpoint, which happen to be the sandbox's own. The sandbox's products are
 * copied into the user's catalog (ids `real-<code>`), as a seller would enter their own.
 */
export async function activateRealConnection(booted: BootedCore): Promise<{
  id: string;
  endpoint: string;
  accountId: string;
  region: string;
}> {
  const { core, dataDir } = booted;
  const info = await call(core, 'app:info', {});
  const sandbox = info.activeConnection;
  if (!sandbox?.isSandbox || sandbox.endpoint === undefined) throw new Error('no sandbox');
  const view = await call(core, 'metering:catalog-list', {});
  const products: Product[] = view.sandbox.map((p) => ({
    ...p,
    id: `${REAL_PRODUCT_PREFIX}${p.productCode ?? p.name}`,
    source: 'user',
  }));
  await call(core, 'metering:catalog-save', { products });
  const [seller] = JSON.parse(
    readFileSync(join(dataDir, 'sandbox', 'credentials.json'), 'utf8'),
  ) as SandboxCredential[];
  if (!seller) throw new Error('no sandbox credentials');
  const added = await call(core, 'connections:add', {
    name: 'Production (test)',
    region: sandbox.region,
    endpoint: sandbox.endpoint,
    source: {
      kind: 'keys',
      accessKeyId: seller.accessKeyId,
      secretAccessKey: seller.secretAccessKey,
      storage: 'session',
    },
  });
  await call(core, 'connections:activate', { id: added.id });
  return {
    id: added.id,
    endpoint: sandbox.endpoint,
    accountId: seller.accountId,
    region: sandbox.region,
  };
}
