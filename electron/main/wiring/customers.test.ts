// The customers and containers channels through the whole main process: the real core (with
// its in-process sandbox), the browser host's HTTP API and the file logger, as a script or the
// renderer would call them. Afterwards every file under the data folder is searched for the
// tokens; only the sandbox's own folder (it plays AWS, which does know its tokens) is exempt.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkStatus, SandboxWorld, ResolveResult } from '../../../shared/channels/customers';
import type {
  RegisterUsageResult,
  VerifySignatureResult,
} from '../../../shared/channels/containers';
import type { Result } from '../../../shared/result';
import { createFileLogger } from '../../adapters/file-logger';
import { createConfStore } from '../../adapters/storage/conf-store';
import { startHttpHost, type HttpHost } from '../../hosts/http';
import { startCore, type Core } from '../core';
import { pinnedClock } from '../../testing/time';

let dataDir: string;
let core: Core;
let host: HttpHost;
const tokens: string[] = [];

async function call<T>(channel: string, input: unknown): Promise<Result<T>> {
  const response = await fetch(`http://127.0.0.1:${host.port}/api/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  return (await response.json()) as Result<T>;
}

async function value<T>(channel: string, input: unknown): Promise<T> {
  const result = await call<T>(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

let targets: SandboxWorld;
const subscribed = () => {
  const saas = new Set(targets.products.filter((p) => p.kind === 'saas').map((p) => p.productCode));
  const customer = targets.customers.find((c) => c.subscribed.some((code) => saas.has(code)));
  const productCode = customer?.subscribed.find((code) => saas.has(code));
  if (!customer || productCode === undefined) throw new Error('no subscribed customer');
  return { productCode, customerAwsAccountId: customer.awsAccountId };
};

async function mint(expired = false): Promise<{ token: string; formBody: string }> {
  const minted = await value<{ token: string; formBody: string }>('sandbox:mint-token', {
    ...subscribed(),
    expired,
  });
  tokens.push(minted.token);
  return minted;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-core-customers-'));
  const logger = createFileLogger(dataDir);
  core = await startCore({
    host: 'browser',
    dataDir,
    settingsStore: createConfStore(dataDir, 'settings'),
    logger,
    sandboxHistoryEvents: 0,
    now: pinnedClock().now,
  });
  host = await startHttpHost({
    router: core.router,
    bus: core.bus,
    rendererDir: dataDir,
    port: 0,
    logger,
  });
  targets = await value<SandboxWorld>('sandbox:world', {});
}, 60_000);

afterAll(async () => {
  // Closing twice is harmless; the last test closes them before scanning.
  await host.close().catch(() => undefined);
  await core.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
});

describe('customers channels through the browser host', () => {
  it('mints a practice token and resolves its form body', async () => {
    const { token, formBody } = await mint();
    expect(formBody).toBe(`x-amzn-marketplace-token=${encodeURIComponent(token)}`);
    const result = await value<ResolveResult>('customers:resolve', { pasted: formBody });
    expect(result.customer?.customerAwsAccountId).toBe(subscribed().customerAwsAccountId);
    expect(result.customer?.productCode).toBe(subscribed().productCode);
    expect(result.product).toMatchObject({ status: 'matched', source: 'sandbox' });
    expect(result.entry.connectionId).toBe('sandbox');
  });

  it('explains an expired practice token', async () => {
    const { formBody } = await mint(true);
    const result = await value<ResolveResult>('customers:resolve', { pasted: formBody });
    expect(result.failure?.kind).toBe('expired');
  });

  it('refuses a paste without a token as VALIDATION', async () => {
    const result = await call('customers:resolve', {
      pasted: 'Hi team, the sign-up page is broken!',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('bulk-resolves through the channels', async () => {
    const list = [(await mint()).formBody, (await mint()).token, (await mint(true)).token];
    const started = await value<BulkStatus>('customers:bulk-start', { text: list.join('\n') });
    let status = started;
    while (status.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await value<BulkStatus>('customers:bulk-status', { taskId: started.taskId });
    }
    expect(status.counts).toEqual({ resolved: 2, failed: 1, skipped: 0 });
    const history = await value<{ entries: unknown[]; total: number }>('customers:history', {});
    expect(history.total).toBeGreaterThanOrEqual(5);
  });

  it('clears the history only with the typed confirmation', async () => {
    for (const input of [{}, { confirm: 'yes' }, { confirm: 'clear' }]) {
      expect(await call('customers:history-clear', input)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
    }
    const before = await value<{ total: number }>('customers:history', {});
    expect(before.total).toBeGreaterThan(0);
    const cleared = await value<{ removed: number }>('customers:history-clear', {
      confirm: 'CLEAR',
    });
    expect(cleared.removed).toBe(before.total);
    expect(await value('customers:history', {})).toEqual({ entries: [], total: 0 });
  });
});

describe('containers channels through the browser host', () => {
  it('RegisterUsage with key version 1, then the sandbox key verifies the signature; a tampered one fails', async () => {
    const container = targets.products.find((p) => p.kind === 'container');
    if (!container) throw new Error('the sandbox has no container product');
    const request = { productCode: container.productCode, publicKeyVersion: 1, nonce: 'pod-7' };
    const registered = await value<RegisterUsageResult>('containers:register-usage', request);
    expect(registered.echo).toMatchObject({ ok: true, casing: 'PascalCase' });
    expect(registered.rotation).toBeUndefined();
    const key = await value<{ pem: string; current: boolean }>('sandbox:public-key', {
      version: 1,
    });
    expect(key.current).toBe(true);
    const publicKeys = [{ version: 1, pem: key.pem }];
    const verified = await value<VerifySignatureResult>('containers:verify-signature', {
      signature: registered.signature,
      publicKeys,
      expected: request,
    });
    expect(verified).toMatchObject({ valid: true, keyVersion: 1, echo: { ok: true } });

    const [header = '', , sig = ''] = registered.signature.split('.');
    const forged = Buffer.from(JSON.stringify({ ...registered.payload, Nonce: 'pod-8' })).toString(
      'base64url',
    );
    const tampered = await value<VerifySignatureResult>('containers:verify-signature', {
      signature: `${header}.${forged}.${sig}`,
      publicKeys,
      expected: request,
    });
    expect(tampered).toMatchObject({ valid: false, stage: 'signature' });
  });

  it('a SaaS product cannot register container usage: the AWS refusal is explained', async () => {
    const saas = targets.products.find((p) => p.kind === 'saas');
    const result = await call('containers:register-usage', {
      productCode: saas?.productCode,
      publicKeyVersion: 1,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'AWS_REJECTED' } });
  });
});

describe('the data folder afterwards', () => {
  it('holds no token anywhere (logs, settings, history), outside the sandbox’s own folder', async () => {
    await host.close();
    await core.close();
    const files = filesUnder(dataDir).filter(
      (file) => !relative(dataDir, file).startsWith('sandbox'),
    );
    expect(files.some((file) => file.endsWith('resolutions.jsonl'))).toBe(true);
    expect(files.some((file) => file.endsWith('meterdesk.log'))).toBe(true);
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const text = readFileSync(file).toString('latin1');
      for (const token of tokens) {
        expect(text.includes(token), relative(dataDir, file)).toBe(false);
        expect(text.includes(encodeURIComponent(token)), relative(dataDir, file)).toBe(false);
      }
    }
  });
});
