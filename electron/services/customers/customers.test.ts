// The customers service against the real sandbox with the real SDK, ResolveCustomer adapter and
// history file. The sandbox keeps its data in its own folder (it plays AWS); the app's data
// folder is scanned after every run to prove no token was written there.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedCustomer } from '../../../shared/channels/customers';
import type { ConnectionSummary, TaskProgress } from '../../../shared/contract';
import { bulkRowsToCsv } from '../../../shared/customers';
import { createAwsClientFactory } from '../../adapters/aws/clients';
import { createCredentialsCheck, createResolveCustomer } from '../../adapters/aws/customers-api';
import { mapAwsError } from '../../adapters/aws/error-map';
import { createPacer, realTime } from '../../adapters/aws/pacer';
import { createResolutionHistoryFile } from '../../adapters/storage/resolution-history';
import {
  fixtures,
  startTestSandbox,
  type AdminState,
  type Fixtures,
  type TestSandbox,
} from '../../sandbox/testing/sandbox-testkit';
import type { AwsTarget } from '../connections';
import type { Pacer, PacerKey } from '../pacing';
import {
  createCustomersService,
  tokenHash,
  type CustomersDeps,
  type CustomersService,
} from './customers';
import { testInstant } from '../../testing/time';

let box: TestSandbox;
let world: Fixtures;
let appDir: string;
const services: CustomersService[] = [];
/** Every token minted in this file: none may appear under the app's data folder. */
const minted: string[] = [];

const connection = (): ConnectionSummary => ({
  id: 'sandbox',
  name: 'Sandbox',
  kind: 'sandbox',
  isSandbox: true,
  region: box.sandbox.region,
  regions: [box.sandbox.region],
  accountId: box.sandbox.accountId,
  endpoint: box.sandbox.endpoint,
});

function target(
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  profile?: string,
): AwsTarget {
  return {
    ...(profile === undefined ? {} : { profile }),
    connectionId: 'sandbox',
    region: box.sandbox.region,
    endpoint: box.sandbox.endpoint,
    credentials: credentials ?? {
      accessKeyId: box.sandbox.accessKeyId,
      secretAccessKey: box.sandbox.secretAccessKey,
    },
  };
}

function service(overrides: Partial<CustomersDeps> = {}): CustomersService {
  let id = 0;
  const created = createCustomersService({
    connections: { active: connection, target: () => target() },
    resolveCustomer: createResolveCustomer(createAwsClientFactory()),
    checkCredentials: createCredentialsCheck(createAwsClientFactory()),
    history: createResolutionHistoryFile(join(appDir, 'customers', 'resolutions.jsonl')),
    products: (_connection, productCode) =>
      Promise.resolve({ status: 'matched', source: 'sandbox', note: `matched ${productCode}` }),
    pacer: createPacer(realTime),
    emitProgress: () => undefined,
    now: Date.now,
    newId: () => `id-${++id}`,
    ...overrides,
  });
  services.push(created);
  return created;
}

async function mint(
  productCode: string,
  customerAwsAccountId: string,
  expiresInSeconds?: number,
): Promise<string> {
  const response = await box.admin<{ token: string }>('POST', '/_sandbox/tokens', {
    productCode,
    customerAwsAccountId,
    ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
  });
  expect(response.status).toBe(200);
  minted.push(response.body.token);
  return response.body.token;
}

/** A token holding a '+' (about 6 in 7 do), which form encoding must escape as %2B. */
/** A token with a '+' outside its last 7 characters, so a cut-off copy still shows base64's '+'. */
async function mintWithPlus(): Promise<string> {
  for (;;) {
    const token = await mint(world.ca.productCode, world.caSub.customerAwsAccountId);
    if (token.slice(0, -7).includes('+')) return token;
  }
}

const formBody = (token: string): string =>
  `x-amzn-marketplace-token=${encodeURIComponent(token)}&x-amzn-marketplace-offer-type=free-trial`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every file under the app's data folder, searched for every minted token in every encoding. */
function expectNoTokenOnDisk(): void {
  const files = filesUnder(appDir);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const text = readFileSync(file).toString('latin1');
    for (const token of minted) {
      for (const form of [token, encodeURIComponent(token), token.slice(8, 40)]) {
        expect(text.includes(form), `${file} holds a token`).toBe(false);
      }
    }
  }
}

/** The describe's history lives in a data folder of its own, searched for tokens at the end. */
function useAppDir(prefix: string): void {
  beforeAll(() => {
    appDir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    expectNoTokenOnDisk();
    rmSync(appDir, { recursive: true, force: true, maxRetries: 3 });
  });
}

beforeAll(async () => {
  box = await startTestSandbox();
  world = fixtures((await box.admin<AdminState>('GET', '/_sandbox/state')).body);
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
  await box.admin('PUT', '/_sandbox/faults', {});
});

afterAll(async () => {
  await box.close();
});

describe('customers service: resolve', () => {
  useAppDir('meterdesk-customers-');

  it('resolves a form body (token with + / =) and returns the account id and LicenseArn', async () => {
    const token = await mintWithPlus();
    const result = await service().resolve(formBody(token));
    expect(result.failure).toBeUndefined();
    expect(result.customer).toEqual({
      customerAwsAccountId: world.caSub.customerAwsAccountId,
      productCode: world.ca.productCode,
      licenseArn: world.caSub.licenseArn,
    } satisfies ResolvedCustomer);
    expect(result.extraction).toMatchObject({
      source: 'form-body',
      offerType: 'free-trial',
      tokenLength: token.length,
      tokenHash: tokenHash(token),
    });
    expect(result.extraction.steps.join('\n')).toMatch(/URL-decoded once/);
    expect(result.entry).toMatchObject({ outcome: 'resolved', connectionId: 'sandbox' });
    expect(result.product?.status).toBe('matched');
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it('returns the legacy CustomerIdentifier where AWS gives one', async () => {
    const token = await mint(world.legacy.productCode, world.legacySub.customerAwsAccountId);
    const result = await service().resolve(`  "${token}"  `);
    expect(result.customer).toMatchObject({
      customerIdentifier: world.legacySub.customerIdentifier,
      customerAwsAccountId: world.legacySub.customerAwsAccountId,
      productCode: world.legacy.productCode,
    });
    expect(result.extraction.steps.join('\n')).toMatch(/Removed surrounding quotes/);
  });

  it('recognises a repeat by hash and says when it was resolved before', async () => {
    const token = await mint(world.ca.productCode, world.caSub.customerAwsAccountId);
    const first = await service().resolve(token);
    expect(first.previous).toEqual([]);
    const second = await service().resolve(formBody(token));
    expect(second.previous).toHaveLength(1);
    expect(second.previous[0]).toMatchObject({ at: first.entry.at, outcome: 'resolved' });
    const history = service().history();
    expect(history.entries[0]?.tokenHash).toBe(tokenHash(token));
    expect(history.entries[0]?.customer?.licenseArn).toBe(world.caSub.licenseArn);
  });

  it('explains an expired token: the buyer clicks "Set up your account" again', async () => {
    const token = await mint(world.ca.productCode, world.caSub.customerAwsAccountId, 0);
    const result = await service().resolve(formBody(token));
    expect(result.customer).toBeUndefined();
    expect(result.failure).toMatchObject({ kind: 'expired', retryable: false });
    expect(result.failure?.nextStep).toMatch(/Set up your account/);
    expect(result.failure?.raw).toMatchObject({
      details: { aws: { name: 'ExpiredTokenException' } },
    });
    expect(result.entry).toMatchObject({ outcome: 'failed', failureKind: 'expired' });
    // How it was told apart from expired credentials: 400, and the same keys still work.
    expect(result.failure?.evidence).toEqual([
      expect.stringMatching(/HTTP 400 — the status of an expired registration token/),
      'AWS’s message: “Registration token has expired.”.',
      expect.stringMatching(/GetCallerIdentity with the same credentials succeeded/),
    ]);
  });

  it('expired session credentials are the seller’s to refresh (aws sso login), not the buyer’s to redo', async () => {
    // A role session whose credentials ran out: every signed call answers ExpiredTokenException 403.
    const session = await box.admin<{
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken: string;
    }>('POST', '/_sandbox/credentials', { temporary: true, expiresInSeconds: 0 });
    const token = await mint(world.ca.productCode, world.caSub.customerAwsAccountId);
    const result = await service({
      connections: { active: connection, target: () => target(session.body, 'seller-prod') },
    }).resolve(token);
    expect(result.failure).toMatchObject({
      kind: 'credentials',
      code: 'CREDENTIALS_EXPIRED',
      retryable: true,
      raw: { details: { aws: { name: 'ExpiredTokenException', httpStatusCode: 403 } } },
    });
    expect(result.failure?.title).toMatch(/credentials have expired — not the buyer’s/);
    expect(result.failure?.nextStep).toContain('aws sso login --profile seller-prod');
    expect(result.failure?.nextStep).not.toMatch(/Set up your account” again/);
    expect(result.failure?.evidence).toEqual([
      expect.stringMatching(/HTTP 403 — the status of expired session credentials/),
      'AWS’s message: “The security token included in the request is expired”.',
      expect.stringMatching(/GetCallerIdentity with the same credentials failed too/),
    ]);
    expect(result.entry.failureKind).toBe('credentials');
  });
});

describe('customers service: resolve failures explained', () => {
  useAppDir('meterdesk-customers-failures-');

  it('explains an unknown token as invalid, and diagnoses truncated and double-decoded ones', async () => {
    const withPlus = await mintWithPlus();

    const unknown = await service().resolve(
      'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx',
    );
    expect(unknown.failure).toMatchObject({ kind: 'invalid' });
    expect(unknown.failure?.diagnosis).toMatchObject({
      looksTruncated: false,
      looksDoubleDecoded: false,
    });
    expect(unknown.failure?.message).toMatch(/did not publish/);

    const cut = await service().resolve(formBody(withPlus.slice(0, withPlus.length - 7)));
    expect(cut.failure?.kind).toBe('invalid');
    expect(cut.failure?.diagnosis?.looksTruncated).toBe(true);

    // Decoded as a form one time too many: every '+' became a space.
    const mangled = await service().resolve(withPlus.replace(/\+/g, ' '));
    expect(mangled.failure?.kind).toBe('invalid');
    expect(mangled.failure?.diagnosis?.looksDoubleDecoded).toBe(true);
    expect(mangled.failure?.nextStep).toMatch(/decoded exactly once/);
  });

  it('explains access denied: call from the seller account that published the product', async () => {
    await box.admin('PUT', '/_sandbox/faults', {
      denyActions: [{ action: 'aws-marketplace:ResolveCustomer' }],
    });
    const token = await mint(world.ca.productCode, world.caSub.customerAwsAccountId);
    const result = await service().resolve(token);
    expect(result.failure).toMatchObject({ kind: 'access-denied', code: 'AWS_ACCESS_DENIED' });
    expect(result.failure?.nextStep).toMatch(/seller account that published the product/);
  });

  it('a token resolved from another seller account is refused (invalid), and says why', async () => {
    const other = await box.admin<{ accessKeyId: string; secretAccessKey: string }>(
      'POST',
      '/_sandbox/credentials',
      { accountId: '999988887777' },
    );
    const token = await mint(world.ca.productCode, world.caSub.customerAwsAccountId);
    const result = await service({
      connections: {
        active: () => ({ ...connection(), accountId: '999988887777' }),
        target: () => target(other.body),
      },
    }).resolve(token);
    expect(result.failure?.kind).toBe('invalid');
    expect(result.failure?.nextStep).toMatch(/seller account that published the product/);
  });

  it('explains throttling with a retry as the next step', async () => {
    await box.admin('PUT', '/_sandbox/faults', { throttleRate: 1 });
    const token = await mint(world.ca.productCode, world.caSub.customerAwsAccountId);
    const result = await service().resolve(token);
    expect(result.failure).toMatchObject({ kind: 'throttled', retryable: true });
    expect(result.failure?.nextStep).toMatch(/resolve again/);
  });

  it('explains a disabled API in the region', async () => {
    const result = await service({
      resolveCustomer: () =>
        Promise.reject(
          mapAwsError(
            Object.assign(new Error('ResolveCustomer is not enabled in eu-west-3'), {
              name: 'DisabledApiException',
              $fault: 'client',
              $metadata: { httpStatusCode: 400 },
            }),
            { operation: 'ResolveCustomer', region: 'eu-west-3' },
          ),
        ),
    }).resolve('QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx');
    expect(result.failure).toMatchObject({ kind: 'disabled-api', code: 'AWS_REJECTED' });
    expect(result.failure?.nextStep).toMatch(/region/);
  });

  it('refuses a paste with no token before calling AWS', async () => {
    let called = false;
    const s = service({
      resolveCustomer: () => {
        called = true;
        return Promise.resolve({});
      },
    });
    await expect(s.resolve('Hi team, the sign-up page is broken!')).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(called).toBe(false);
  });
});

describe('customers service: bulk resolve', () => {
  useAppDir('meterdesk-customers-bulk-');

  async function finished(s: CustomersService, taskId: string) {
    for (;;) {
      const status = s.bulkStatus(taskId);
      if (status.state !== 'running') return status;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('resolves lines and CSV, paced per ResolveCustomer, with duplicates and bad lines reported', async () => {
    const good = await mint(world.ca.productCode, world.caSub.customerAwsAccountId);
    const legacy = await mint(world.legacy.productCode, world.legacySub.customerAwsAccountId);
    const expired = await mint(world.ca.productCode, world.caSub.customerAwsAccountId, 0);
    const keys: PacerKey[] = [];
    const inner = createPacer(realTime);
    const pacer: Pacer = {
      acquire: (key, signal) => {
        keys.push(key);
        return inner.acquire(key, signal);
      },
    };
    const events: TaskProgress[] = [];
    // A clock that moves half a second per reading, so the rate has a sample to show.
    let clock = testInstant();
    const s = service({ pacer, emitProgress: (p) => events.push(p), now: () => (clock += 500) });
    const text = [
      formBody(good),
      `"${legacy}"`,
      'not a token at all, just words',
      expired,
      `x-amzn-marketplace-token=${encodeURIComponent(good)}`,
    ].join('\n');
    const started = s.bulkStart(text);
    expect(started).toMatchObject({ state: 'running', total: 3 });
    const done = await finished(s, started.taskId);
    expect(done).toMatchObject({
      state: 'finished',
      done: 3,
      counts: { resolved: 2, failed: 1, skipped: 2 },
    });
    const byLine = new Map(done.rows.map((row) => [row.line, row]));
    expect(byLine.get(1)).toMatchObject({
      outcome: 'resolved',
      customer: { licenseArn: world.caSub.licenseArn },
    });
    expect(byLine.get(2)?.customer?.customerIdentifier).toBe(world.legacySub.customerIdentifier);
    expect(byLine.get(3)).toMatchObject({ outcome: 'skipped' });
    expect(byLine.get(4)).toMatchObject({ outcome: 'failed', failureKind: 'expired' });
    expect(byLine.get(4)?.nextStep).toMatch(/Set up your account/);
    expect(byLine.get(5)).toMatchObject({
      outcome: 'duplicate',
      message: 'Same token as line 1; resolved once.',
    });
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(key).toEqual({
        accountId: box.sandbox.accountId,
        region: box.sandbox.region,
        api: 'ResolveCustomer',
      });
    }
    const last = events.at(-1);
    expect(last).toMatchObject({
      kind: 'customers:bulk-resolve',
      done: 3,
      total: 3,
      finished: true,
    });
    expect(
      events.some((e) => !e.finished && e.ratePerSecond !== null && e.secondsLeft !== null),
    ).toBe(true);
    // Every resolution is in the history, marked with the run.
    expect(s.history().entries.filter((e) => e.bulkTaskId === started.taskId)).toHaveLength(3);
    // The export holds no token.
    expect(bulkRowsToCsv(done.rows)).not.toContain(good.slice(0, 20));
  });

  it('reads tokens from a CSV column, and a second run says they were resolved before', async () => {
    const a = await mint(world.ca.productCode, world.caSub.customerAwsAccountId);
    const b = await mint(world.legacy.productCode, world.legacySub.customerAwsAccountId);
    const csv = `customer,token,date\nAcme,"${a}",2026-08-01\n"Blue, Inc.",${b},2026-08-02\n`;
    const s = service();
    const first = await finished(s, s.bulkStart(csv).taskId);
    expect(first.counts).toEqual({ resolved: 2, failed: 0, skipped: 0 });
    expect(first.rows.map((r) => r.line).sort()).toEqual([2, 3]);
    const again = await finished(s, s.bulkStart(csv).taskId);
    expect(again.rows.every((row) => row.resolvedBefore !== undefined)).toBe(true);
  });

  it('cancels: tokens still waiting for their turn are not sent and are marked cancelled', async () => {
    const tokens: string[] = [];
    for (let index = 0; index < 12; index += 1) {
      tokens.push(await mint(world.ca.productCode, world.caSub.customerAwsAccountId));
    }
    let sent = 0;
    const real = createResolveCustomer(createAwsClientFactory());
    const s = service({
      // 4 per second: slow enough to cancel mid-run.
      pacer: createPacer({ ...realTime, rates: { ResolveCustomer: 4 } }),
      resolveCustomer: (t, token) => {
        sent += 1;
        return real(t, token);
      },
      bulkConcurrency: 2,
    });
    const started = s.bulkStart(tokens.join('\n'));
    await new Promise((resolve) => setTimeout(resolve, 600));
    s.bulkCancel(started.taskId);
    const done = await finished(s, started.taskId);
    expect(done.state).toBe('cancelled');
    expect(done.done).toBe(sent);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(12);
    expect(done.rows.filter((r) => r.outcome === 'cancelled')).toHaveLength(12 - sent);
    expect(done.rows).toHaveLength(12);
  });
});

describe('customers service: clearing the history', () => {
  useAppDir('meterdesk-customers-clear-');

  it('needs the typed confirmation: anything but "CLEAR" is VALIDATION and keeps the history', async () => {
    const token = await mint(world.ca.productCode, world.caSub.customerAwsAccountId);
    const s = service();
    await s.resolve(token);
    for (const confirm of ['', 'clear', 'yes', 'CLEAR ']) {
      expect(() => s.clearHistory(confirm)).toThrow(
        expect.objectContaining({ code: 'VALIDATION' }),
      );
    }
    expect(s.history().total).toBe(1);
    expect(service().history().total).toBe(1);
  });

  it('empties the history for good (a reload too), and a repeat is no longer recognised', async () => {
    const token = await mint(world.ca.productCode, world.caSub.customerAwsAccountId);
    const s = service();
    await s.resolve(token);
    expect((await s.resolve(formBody(token))).previous).toHaveLength(1);
    const before = s.history().total;
    expect(before).toBeGreaterThanOrEqual(2);

    expect(s.clearHistory('CLEAR')).toEqual({ removed: before });
    expect(s.history()).toEqual({ entries: [], total: 0 });
    expect(readFileSync(join(appDir, 'customers', 'resolutions.jsonl'), 'utf8')).toBe('');
    // A fresh service over the same file (the app restarted) reads it empty.
    expect(service().history()).toEqual({ entries: [], total: 0 });

    // The same token again: nothing earlier to point at, in a single resolve or a bulk run.
    const again = await s.resolve(token);
    expect(again.previous).toEqual([]);
    const run = s.bulkStart(token);
    while (s.bulkStatus(run.taskId).state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(s.bulkStatus(run.taskId).rows[0]?.resolvedBefore).toBe(again.entry.at);
    expect(s.clearHistory('CLEAR').removed).toBe(2);
    const fresh = service();
    expect((await fresh.resolve(token)).previous).toEqual([]);
  });
});
