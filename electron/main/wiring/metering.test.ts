// The metering input side through the real router: every input is validated by the contract,
// and metering:validate rejects exactly the records the renderer's live validation flags (the
// same shared validateRecords on both sides of the bridge).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../shared/aws/metering-rules';
import type { ChannelOutput } from '../../../shared/contract';
import { validateRecords, type Product, type UsageRecordDraft } from '../../../shared/metering';
import type { Result } from '../../../shared/result';
import { createEventBus } from '../../core/event-bus';
import { silentLogger } from '../../core/logger';
import { createRouter, type Handlers, type Router } from '../../core/router';
import { createPacer, realTime } from '../../adapters/aws/pacer';
import { createMemoryStore } from '../../adapters/storage/memory-store';
import { startSandbox, type RunningSandbox } from '../../sandbox';
import type { ConnectionsService } from '../../services/connections';
import { createMeteringInput } from './metering';
import type { CoreDeps } from './types';

const NOW = Date.UTC(2026, 6, 15, 12, 30);
const iso = (ms: number): string => new Date(ms).toISOString();
const LICENSE = 'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0';

const legacy: Product = {
  id: 'legacy',
  name: 'Legacy SaaS',
  kind: 'saas',
  identityModel: 'legacy',
  productCode: 'prod-legacy1',
  dimensions: [{ name: 'Users', description: '' }],
  source: 'user',
};
const ca: Product = {
  id: 'ca',
  name: 'Agreements SaaS',
  kind: 'saas',
  identityModel: 'concurrent-agreements',
  dimensions: [{ name: 'Requests', description: '' }],
  source: 'user',
};

function connections(isSandbox: boolean): ConnectionsService {
  const summary = {
    id: isSandbox ? 'sandbox' : 'prod',
    name: isSandbox ? 'Sandbox' : 'Production',
    kind: isSandbox ? ('sandbox' as const) : ('profile' as const),
    isSandbox,
    region: 'us-east-1',
    regions: ['us-east-1'],
  };
  return {
    list: () => [summary],
    active: () => summary,
    get: () => summary,
    target: () => {
      throw new Error('not used');
    },
  } as unknown as ConnectionsService;
}

function deps(sandbox: RunningSandbox | null, isSandbox = true): CoreDeps {
  return {
    host: 'browser',
    dataDir: '/nonexistent',
    logger: silentLogger,
    bus: createEventBus(),
    settings: {} as CoreDeps['settings'],
    store: createMemoryStore(),
    connections: connections(isSandbox),
    aws: {} as CoreDeps['aws'],
    pacer: createPacer(realTime),
    sandbox,
    osUser: 'tester',
    now: () => NOW,
    // The input side's tests never submit.
    submissions: {} as CoreDeps['submissions'],
  };
}

function routerFor(d: CoreDeps): Router {
  const input = createMeteringInput(d);
  return createRouter(input.handlers as unknown as Handlers, silentLogger);
}

async function call<T>(router: Router, channel: string, input: unknown): Promise<T> {
  const result = (await router.call(channel, input, { host: 'test' })) as Result<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

const bad: UsageRecordDraft[] = [
  {
    productId: 'legacy',
    customerIdentifier: 'c1',
    dimension: 'Users',
    quantity: '1.5',
    timestamp: iso(NOW - HOUR_MS),
  },
  {
    productId: 'legacy',
    customerIdentifier: 'c1',
    customerAwsAccountId: '012345678901',
    dimension: 'Users',
    quantity: 1,
    timestamp: iso(NOW - HOUR_MS),
  },
  {
    productId: 'legacy',
    customerIdentifier: 'c2',
    dimension: 'users',
    quantity: 1,
    timestamp: iso(NOW - HOUR_MS),
  },
  {
    productId: 'legacy',
    customerIdentifier: 'c3',
    dimension: 'Seats',
    quantity: 1,
    timestamp: iso(NOW - HOUR_MS),
  },
  {
    productId: 'legacy',
    customerIdentifier: 'c4',
    dimension: 'Users',
    quantity: 1,
    timestamp: iso(NOW - 25 * HOUR_MS),
  },
  {
    productId: 'legacy',
    customerIdentifier: 'c5',
    dimension: 'Users',
    quantity: 1,
    timestamp: iso(NOW + 2 * HOUR_MS),
  },
  {
    productId: 'legacy',
    customerIdentifier: 'c6',
    dimension: 'Users',
    quantity: 2_147_483_648,
    timestamp: iso(NOW - HOUR_MS),
  },
  {
    productId: 'legacy',
    customerIdentifier: 'c7',
    licenseArn: LICENSE,
    dimension: 'Users',
    quantity: 1,
    timestamp: iso(NOW - HOUR_MS),
  },
  {
    productId: 'ca',
    customerAwsAccountId: '1.23457E+11',
    licenseArn: LICENSE,
    dimension: 'Requests',
    quantity: 1,
    timestamp: iso(NOW - HOUR_MS),
  },
  {
    productId: 'ca',
    customerAwsAccountId: '012345678901',
    dimension: 'Requests',
    quantity: 1,
    timestamp: iso(NOW - HOUR_MS),
  },
  {
    productId: 'ca',
    customerAwsAccountId: '012345678901',
    licenseArn: 'arn:bad',
    dimension: 'Requests',
    quantity: 1,
    timestamp: iso(NOW - HOUR_MS),
  },
  {
    productId: 'ca',
    customerAwsAccountId: '012345678902',
    licenseArn: LICENSE,
    dimension: 'Requests',
    quantity: 10,
    timestamp: iso(NOW - HOUR_MS),
    allocations: [{ quantity: 4, tags: [{ key: 'team', value: 'a' }] }],
  },
  {
    productId: 'ca',
    customerAwsAccountId: '012345678903',
    licenseArn: LICENSE,
    dimension: 'Requests',
    quantity: 10,
    timestamp: iso(NOW - HOUR_MS),
    allocations: [{ quantity: 10, tags: [{ key: 'bad|', value: 'a' }] }],
  },
  {
    productId: 'nope',
    customerIdentifier: 'c8',
    dimension: 'Users',
    quantity: 1,
    timestamp: iso(NOW - HOUR_MS),
  },
  {
    productId: 'legacy',
    customerIdentifier: 'c9',
    dimension: 'Users',
    quantity: 1,
    timestamp: 'yesterday',
  },
  // Same key as the first valid one below, different quantity: a duplicate within the set.
  {
    productId: 'legacy',
    customerIdentifier: 'ok',
    dimension: 'Users',
    quantity: 3,
    timestamp: iso(NOW - HOUR_MS),
  },
  {
    productId: 'legacy',
    customerIdentifier: 'ok',
    dimension: 'Users',
    quantity: 4,
    timestamp: iso(NOW - HOUR_MS),
  },
];

describe('metering input channels through the router', () => {
  let dir = '';
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meterdesk-metering-'));
    sandbox = await startSandbox({ dataDir: dir, port: 0, historyEvents: 0, now: () => NOW });
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });

  it('metering:validate rejects the same records, with the same codes, as the renderer flags', async () => {
    const router = routerFor(deps(null));
    await call(router, 'metering:catalog-save', { products: [legacy, ca] });
    const main = await call<ChannelOutput<'metering:validate'>>(router, 'metering:validate', {
      records: bad,
    });
    const renderer = validateRecords(bad, { catalog: [legacy, ca], now: NOW });
    expect(main.results.map((r) => r.issues)).toEqual(renderer.map((r) => r.issues));
    // Every record but the first of the duplicate pair is rejected.
    const rejected = main.results.map((r) => r.record === null);
    expect(rejected).toEqual(bad.map((_, i) => i !== bad.length - 2));
    const codes = main.results.flatMap((r) => r.issues.map((i) => i.code));
    for (const code of [
      'quantity-not-integer',
      'customer-ambiguous',
      'dimension-case',
      'dimension-unknown',
      'timestamp-too-old',
      'timestamp-future',
      'quantity-too-large',
      'license-not-allowed',
      'account-id-scientific',
      'license-missing',
      'license-arn-format',
      'allocation-sum',
      'allocation-tag',
      'product-unknown',
      'timestamp-invalid',
      'duplicate-in-set',
    ]) {
      expect(codes).toContain(code);
    }
    expect(main.errorCount).toBeGreaterThanOrEqual(bad.length - 1);
  });

  it('the contract refuses malformed input before any service sees it', async () => {
    const router = routerFor(deps(null));
    const result = await router.call(
      'metering:validate',
      { records: [{ quantity: 1 }] },
      { host: 'test' },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('VALIDATION');
    const tooMany = await router.call(
      'metering:import-rows',
      { handle: 'x', offset: 0, limit: 100_000, filter: 'ready' },
      { host: 'test' },
    );
    expect(tooMany.ok).toBe(false);
  });

  it('catalog: sandbox products read-only on the Sandbox, JSON export and import round trip', async () => {
    const router = routerFor(deps(sandbox));
    const view = await call<ChannelOutput<'metering:catalog-list'>>(
      router,
      'metering:catalog-list',
      {},
    );
    expect(view.sandboxActive).toBe(true);
    expect(view.sandbox.map((p) => p.name)).toContain('Nimbus Vector Search');
    const nimbus = view.sandbox.find((p) => p.name === 'Nimbus Vector Search');
    expect(nimbus?.productCode).toBeUndefined();
    expect(nimbus?.identityModel).toBe('concurrent-agreements');
    // Sandbox products cannot be saved as the user's own.
    const refused = await router.call(
      'metering:catalog-save',
      { products: view.sandbox },
      { host: 'test' },
    );
    expect(refused.ok).toBe(false);

    await call(router, 'metering:catalog-save', { products: [legacy, ca] });
    const file = await call<{ fileName: string; text: string }>(
      router,
      'metering:catalog-export',
      {},
    );
    const other = routerFor(deps(null, false));
    const imported = await call<ChannelOutput<'metering:catalog-import'>>(
      other,
      'metering:catalog-import',
      {
        text: file.text,
        mode: 'merge',
      },
    );
    expect(imported.added).toBe(2);
    expect(imported.catalog.user).toEqual([legacy, ca]);
    expect(imported.catalog.sandbox).toEqual([]);
    const broken = await other.call(
      'metering:catalog-import',
      { text: '{"products":[{"name":"x"}]}', mode: 'merge' },
      { host: 'test' },
    );
    expect(broken.ok).toBe(false);
  });

  it('import-csv in parts, import-rows pages, plan with a planId and the template', async () => {
    const router = routerFor(deps(null));
    await call(router, 'metering:catalog-save', { products: [legacy, ca] });
    const template = await call<{ text: string }>(router, 'metering:csv-template', {
      productId: 'ca',
    });
    const rows = Array.from(
      { length: 60 },
      (_, i) =>
        `ca,0999999999${String(i).padStart(2, '0')},${LICENSE},,Requests,${i % 10 === 0 ? 'x' : String(i)},${iso(NOW - HOUR_MS)}`,
    );
    const text = `${template.text}${rows.join('\r\n')}\r\n`;
    const half = Math.floor(text.length / 2);
    const first = await call<ChannelOutput<'metering:import-csv'>>(router, 'metering:import-csv', {
      text: text.slice(0, half),
      more: true,
      aggregate: false,
    });
    if (first.status !== 'partial') throw new Error('expected a partial answer');
    const done = await call<ChannelOutput<'metering:import-csv'>>(router, 'metering:import-csv', {
      text: text.slice(half),
      uploadId: first.uploadId,
      aggregate: false,
      pageSize: 10,
    });
    if (done.status !== 'done') throw new Error('expected the import to finish');
    expect(done.summary.fileRows).toBe(62);
    expect(done.summary.review).toBe(6);
    expect(done.summary.ready).toBe(56);
    expect(done.ready).toHaveLength(10);
    const page = await call<ChannelOutput<'metering:import-rows'>>(router, 'metering:import-rows', {
      handle: done.summary.handle,
      offset: 50,
      limit: 10,
      filter: 'ready',
    });
    expect(page.total).toBe(56);
    expect(page.rows).toHaveLength(6);

    const plan = await call<ChannelOutput<'metering:plan'>>(router, 'metering:plan', {
      records: [
        {
          productId: 'legacy',
          customerIdentifier: 'c1',
          dimension: 'Users',
          quantity: 5,
          timestamp: iso(NOW - HOUR_MS),
        },
      ],
      importHandle: done.summary.handle,
    });
    expect(plan.errorCount).toBe(0);
    expect(plan.planId).not.toBeNull();
    expect(plan.plan.totals.records).toBe(57);
    // 56 concurrent-agreements records: 3 calls (25, 25, 6); 1 legacy record: 1 call.
    expect(plan.plan.calls.map((c) => c.recordIndexes.length)).toEqual([1, 25, 25, 6]);
    expect(plan.connection).toEqual({ id: 'sandbox', name: 'Sandbox', isSandbox: true });

    const blocked = await call<ChannelOutput<'metering:plan'>>(router, 'metering:plan', {
      records: [
        {
          productId: 'legacy',
          customerIdentifier: 'c1',
          dimension: 'Users',
          quantity: '1.5',
          timestamp: iso(NOW - HOUR_MS),
        },
      ],
    });
    expect(blocked.planId).toBeNull();
    expect(blocked.problems[0]?.issues[0]?.code).toBe('quantity-not-integer');
  });

  it("the plan names import records by the file's own line, editor records by their number", async () => {
    const router = routerFor(deps(null));
    await call(router, 'metering:catalog-save', { products: [ca] });
    const hour = iso(NOW - HOUR_MS);
    const text = [
      'product,account,license,dimension,quantity,timestamp', // 1
      '', // 2
      `ca,012345678901,${LICENSE},Requests,5,${hour}`, // 3
      '', // 4
      `ca,012345678902,${LICENSE},Requests,6,${hour}`, // 5
    ].join('\r\n');
    const done = await call<ChannelOutput<'metering:import-csv'>>(router, 'metering:import-csv', {
      text,
      aggregate: false,
    });
    if (done.status !== 'done') throw new Error('expected the import to finish');
    expect(done.summary.ready).toBe(2);
    // The person also typed line 5's key with another quantity in the editor.
    const plan = await call<ChannelOutput<'metering:plan'>>(router, 'metering:plan', {
      records: [
        {
          productId: 'ca',
          customerAwsAccountId: '012345678902',
          licenseArn: LICENSE,
          dimension: 'Requests',
          quantity: 9,
          timestamp: hour,
        },
      ],
      importHandle: done.summary.handle,
    });
    expect(plan.planId).toBeNull();
    expect(plan.problems).toHaveLength(1);
    expect(plan.problems[0]).toMatchObject({ source: 'import', line: 5 });
    expect(plan.problems[0]?.issues[0]?.message).toBe(
      'Same customer, dimension and hour as record 1; AWS bills only the first and rejects the other as DuplicateRecord.',
    );
    // Two editor records with one key: the second names the first by its record number.
    const typedTwice = await call<ChannelOutput<'metering:plan'>>(router, 'metering:plan', {
      records: [
        {
          productId: 'ca',
          customerAwsAccountId: '012345678903',
          licenseArn: LICENSE,
          dimension: 'Requests',
          quantity: 1,
          timestamp: hour,
        },
        {
          productId: 'ca',
          customerAwsAccountId: '012345678903',
          licenseArn: LICENSE,
          dimension: 'Requests',
          quantity: 2,
          timestamp: hour,
        },
      ],
      importHandle: done.summary.handle,
    });
    expect(typedTwice.problems.map((p) => [p.source, p.index, p.line])).toEqual([
      ['editor', 1, undefined],
    ]);
    expect(typedTwice.problems[0]?.issues[0]?.message).toMatch(
      /^Same customer, dimension and hour as record 1;/,
    );
  });

  it("import-csv: the file's zone is one choice for the whole file; imports are kept and closed", async () => {
    const router = routerFor(deps(null));
    await call(router, 'metering:catalog-save', { products: [ca] });
    const text = `product,account,license,dimension,quantity,timestamp\r\nca,012345678901,${LICENSE},Requests,5,2026-07-15 13:00\r\n`;
    const refused = await router.call(
      'metering:import-csv',
      { text, aggregate: false, zone: '+01:99' },
      { host: 'test' },
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const none = await call<ChannelOutput<'metering:import-csv'>>(router, 'metering:import-csv', {
      text,
      aggregate: false,
    });
    if (none.status !== 'done') throw new Error('expected the import to finish');
    expect(none.summary).toMatchObject({ zone: null, zonelessRows: 1, review: 1 });
    expect(none.review[0]?.reasons).toEqual(['zone']);
    const berlin = await call<ChannelOutput<'metering:import-csv'>>(router, 'metering:import-csv', {
      text,
      aggregate: false,
      zone: 'Europe/Berlin',
    });
    if (berlin.status !== 'done') throw new Error('expected the import to finish');
    expect(berlin.summary).toMatchObject({ zone: 'Europe/Berlin', zonelessRows: 1, ready: 1 });
    expect(berlin.ready[0]?.draft.timestamp).toBe('2026-07-15T13:00:00+02:00');

    // What an edited record with the same key would collide with: the ready row, by its line.
    const key = berlin.ready[0]?.key ?? '';
    expect(key).not.toBe('');
    const collisions = await call<ChannelOutput<'metering:import-collisions'>>(
      router,
      'metering:import-collisions',
      { handle: berlin.summary.handle, keys: [key, 'bmu|nothing'] },
    );
    expect(collisions.rows.map((r) => r.lines)).toEqual([[2]]);

    const handles = [none.summary.handle, berlin.summary.handle];
    expect(await call(router, 'metering:import-keep', { handles })).toEqual({ alive: handles });
    expect(await call(router, 'metering:import-close', { handle: handles[0] })).toEqual({
      closed: true,
    });
    expect(await call(router, 'metering:import-keep', { handles })).toEqual({
      alive: [berlin.summary.handle],
    });
  });

  it('the stored plan is what the engine sends', async () => {
    const d = deps(null);
    const input = createMeteringInput(d);
    await input.catalog.save([legacy]);
    const out = await input.plans.plan({
      records: [
        {
          productId: 'legacy',
          customerIdentifier: 'c1',
          dimension: 'Users',
          quantity: '7',
          timestamp: iso(NOW - HOUR_MS),
        },
      ],
    });
    const stored = input.plans.get(out.planId ?? '');
    expect(stored?.records).toEqual([
      expect.objectContaining({
        productCode: 'prod-legacy1',
        customerIdentifier: 'c1',
        quantity: 7,
      }),
    ]);
    expect(stored?.connectionId).toBe('sandbox');
  });
});
