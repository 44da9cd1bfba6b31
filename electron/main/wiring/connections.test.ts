// Connections end to end in the main process: the real connections service, the real
// credential providers (@aws-sdk/credential-providers) and profile files in a temporary HOME, the
// real SDK clients over HTTP against the sandbox (which now speaks STS). Covers a static-key
// profile, an assume-role profile (with an MFA code answered through the channel), pasted keys, a
// pasted-key connection with a role on top, the self-test grid with one API denied, and expiry.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResolveCustomerCommand } from '@aws-sdk/client-marketplace-metering';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddConnectionInput, SelfTestResult } from '../../../shared/channels/connections';
import type { EventPayload } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { createAwsClientFactory } from '../../adapters/aws/clients';
import { createCredentialSources } from '../../adapters/aws/credentials';
import { createProfileSource } from '../../adapters/aws/profiles';
import { createRefusingSecretStore } from '../../adapters/secrets/refusing';
import { createMemoryStore } from '../../adapters/storage/memory-store';
import { createEventBus } from '../../core/event-bus';
import { createRouter } from '../../core/router';
import type { Logger } from '../../core/logger';
import { startTestSandbox, type TestSandbox } from '../../sandbox/testing/sandbox-testkit';
import { createConnectionsService, type AwsTarget } from '../../services/connections';
import { createMfaPrompts } from '../../services/mfa-prompts';
import { createSettingsService } from '../../services/settings';
import { wireConnections } from './connections';
import { createPacer, realTime } from '../../adapters/aws/pacer';
import type { CoreDeps } from './types';

type Minted = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

const OPERATOR = 'arn:aws:iam::111122223333:role/MeterdeskOperator';
const PARTNER = 'arn:aws:iam::111122223333:role/MeterdeskPartnerAccess';
const MFA_ROLE = 'arn:aws:iam::111122223333:role/MeterdeskMfaOperator';

describe('connections against the sandbox', () => {
  let t: TestSandbox;
  let home: string;
  let staticKey: Minted;
  let deps: CoreDeps;
  let router: ReturnType<typeof createRouter>;
  let close: () => Promise<void>;
  const mfaRequests: EventPayload<'connections:mfaRequired'>[] = [];
  const logLines: string[] = [];

  async function call<T>(channel: string, input: unknown): Promise<T> {
    const result = await router.call(channel, input, { host: 'test' });
    if (!result.ok) throw new AppError(result.error.code, result.error.message, result.error);
    return result.value as T;
  }
  async function callError(channel: string, input: unknown) {
    const result = await router.call(channel, input, { host: 'test' });
    if (result.ok) throw new Error(`${channel} was expected to fail`);
    return result.error;
  }
  async function mint(body: Record<string, unknown> = {}): Promise<Minted> {
    return (await t.admin<Minted>('POST', '/_sandbox/credentials', body)).body;
  }
  async function whoAmI(target: AwsTarget) {
    const sts = deps.aws.sts(target, { maxAttempts: 1 });
    try {
      return await sts.send(new GetCallerIdentityCommand({}));
    } finally {
      sts.destroy();
    }
  }
  /** A ResolveCustomer with an invalid token: answered (InvalidTokenException) = signed in. */
  async function resolveInvalid(target: AwsTarget): Promise<string> {
    const metering = deps.aws.metering(target, { maxAttempts: 1 });
    try {
      await metering.send(new ResolveCustomerCommand({ RegistrationToken: 'nope' }));
      return 'ok';
    } catch (error) {
      return error instanceof AppError ? error.code : (error as Error).name;
    } finally {
      metering.destroy();
    }
  }
  const add = (input: Omit<AddConnectionInput, 'region'> & { region?: string }) =>
    call<{ id: string; kind: string; keyIdLast4?: string; storage?: string }>('connections:add', {
      region: 'us-east-1',
      ...input,
      endpoint: input.endpoint ?? t.sandbox.endpoint,
    });

  beforeAll(async () => {
    t = await startTestSandbox();
    staticKey = await mint({ userName: 'profile-user' });
    home = mkdtempSync(join(tmpdir(), 'meterdesk-conn-home-'));
    mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true });
    // The SDK reads these from process.env (this test file runs in its own process).
    process.env.HOME = home;
    process.env.AWS_CONFIG_FILE = join(home, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(home, 'credentials');
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_REGION;
    writeFileSync(
      join(home, 'credentials'),
      `[sandbox-static]\naws_access_key_id = ${staticKey.accessKeyId}\naws_secret_access_key = ${staticKey.secretAccessKey}\n`,
    );
    writeFileSync(
      join(home, 'config'),
      [
        '[profile sandbox-static]',
        'region = us-east-1',
        '[profile sandbox-operator]',
        `role_arn = ${OPERATOR}`,
        'source_profile = sandbox-static',
        'role_session_name = profile-operator',
        '[profile sandbox-mfa]',
        `role_arn = ${MFA_ROLE}`,
        'source_profile = sandbox-static',
        'mfa_serial = arn:aws:iam::111122223333:mfa/alice',
        'role_session_name = mfa-operator',
        '[profile sso-expired]',
        'sso_start_url = https://expired.awsapps.com/start',
        'sso_region = us-east-1',
        'sso_account_id = 111122223333',
        'sso_role_name = Metering',
        '[profile sso-session-expired]',
        'sso_session = corp',
        'sso_account_id = 111122223333',
        'sso_role_name = Metering',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        '',
      ].join('\n'),
    );
    // Tokens `aws sso login` cached, both an hour past their expiry.
    const expired = new Date(Date.now() - 3_600_000).toISOString();
    const cacheFile = (id: string) =>
      join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update(id).digest('hex')}.json`);
    writeFileSync(
      cacheFile('https://expired.awsapps.com/start'),
      JSON.stringify({
        accessToken: 'expired-token',
        expiresAt: expired,
        region: 'us-east-1',
        startUrl: 'https://expired.awsapps.com/start',
      }),
    );
    writeFileSync(
      cacheFile('corp'),
      JSON.stringify({
        accessToken: 'expired-token',
        expiresAt: expired,
        region: 'us-east-1',
        startUrl: 'https://corp.awsapps.com/start',
      }),
    );

    const logger: Logger = {
      info: (message, fields) => logLines.push(`${message} ${JSON.stringify(fields ?? {})}`),
      warn: (message, fields) => logLines.push(`${message} ${JSON.stringify(fields ?? {})}`),
      error: (message, fields) => logLines.push(`${message} ${JSON.stringify(fields ?? {})}`),
    };
    const store = createMemoryStore();
    const bus = createEventBus();
    const settings = createSettingsService(store, (next) => bus.emit('settings:changed', next));
    const profiles = await createProfileSource({ watch: false });
    let n = 0;
    const connections = createConnectionsService({
      sandbox: () => ({
        endpoint: t.sandbox.endpoint,
        region: t.sandbox.region,
        accountId: t.sandbox.accountId,
        accessKeyId: t.sandbox.accessKeyId,
        secretAccessKey: t.sandbox.secretAccessKey,
      }),
      settings,
      store,
      secrets: createRefusingSecretStore(),
      profiles,
      credentials: createCredentialSources(),
      mfa: createMfaPrompts({
        onRequest: (request) => {
          mfaRequests.push(request);
          bus.emit('connections:mfaRequired', request);
        },
        onSettled: (requestId) => bus.emit('connections:mfaSettled', { requestId }),
        newId: () => `mfa-${++n}`,
      }),
      now: Date.now,
    });
    deps = {
      host: 'browser',
      dataDir: home,
      logger,
      bus,
      settings,
      store,
      connections,
      aws: createAwsClientFactory(),
      pacer: createPacer(realTime),
      sandbox: t.sandbox,
      osUser: 'tester',
      now: Date.now,
      // Connections never submit.
      submissions: {} as CoreDeps['submissions'],
    };
    const area = wireConnections(deps, { profiles });
    router = createRouter(
      {
        ...(area.handlers as Record<string, unknown>),
      } as unknown as Parameters<typeof createRouter>[0],
      logger,
    );
    close = async () => {
      await area.close?.();
    };
  });

  afterAll(async () => {
    await close();
    await t.close();
    rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  });

  it('keeps the sandbox built in and active by default', async () => {
    const list = await call<{ activeId: string; connections: { id: string }[] }>(
      'connections:list',
      {},
    );
    expect(list.activeId).toBe('sandbox');
    expect(list.connections[0]?.id).toBe('sandbox');
    const who = await whoAmI(deps.connections.target('sandbox'));
    expect(who.Arn).toBe('arn:aws:iam::111122223333:user/meterdesk-sandbox');
  });

  it('a static-key profile signs in through fromIni', async () => {
    const conn = await add({
      name: 'Static profile',
      source: { kind: 'profile', profile: 'sandbox-static' },
    });
    const target = deps.connections.target(conn.id);
    expect(target.endpoint).toBe(t.sandbox.endpoint);
    expect(typeof target.credentials).toBe('function');
    const who = await whoAmI(target);
    expect(who.Arn).toBe('arn:aws:iam::111122223333:user/profile-user');
    expect(await resolveInvalid(target)).toBe('InvalidTokenException');
  });

  it('an assume-role profile assumes its role on the sandbox STS', async () => {
    const conn = await add({
      name: 'Operator profile',
      source: { kind: 'profile', profile: 'sandbox-operator' },
    });
    const target = deps.connections.target(conn.id);
    const who = await whoAmI(target);
    expect(who.Arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/MeterdeskOperator/profile-operator',
    );
    expect(await resolveInvalid(target)).toBe('InvalidTokenException');
    const info = await call<{
      connections: { id: string; profileKind?: string; expiresAt?: number }[];
    }>('connections:list', {});
    const shown = info.connections.find((c) => c.id === conn.id);
    expect(shown?.profileKind).toBe('assume-role');
    // The role session's expiry is known once resolved, and shown.
    expect(shown?.expiresAt).toBeGreaterThan(Date.now());
  });

  it('waits for the MFA code the user enters, then assumes the role', async () => {
    const conn = await add({
      name: 'MFA profile',
      source: { kind: 'profile', profile: 'sandbox-mfa' },
    });
    const target = deps.connections.target(conn.id);
    let settled = false;
    const pending = whoAmI(target).finally(() => {
      settled = true;
    });
    await expect.poll(() => mfaRequests.length).toBeGreaterThan(0);
    const request = mfaRequests.at(-1);
    expect(request).toMatchObject({
      connectionId: conn.id,
      connectionName: 'MFA profile',
      mfaSerial: 'arn:aws:iam::111122223333:mfa/alice',
    });
    // Nothing goes on until the user answers.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toBe(false);
    const answered = await call<{ accepted: boolean }>('connections:mfaAnswer', {
      requestId: request?.requestId,
      code: '123456',
    });
    expect(answered.accepted).toBe(true);
    const who = await pending;
    expect(who.Arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/MeterdeskMfaOperator/mfa-operator',
    );
    // The session is cached: a second client does not ask again.
    const before = mfaRequests.length;
    await whoAmI(deps.connections.target(conn.id));
    expect(mfaRequests.length).toBe(before);
  });

  it('pasted keys: saving is refused in this host, the keys still work for this run', async () => {
    const keys = await mint({ userName: 'pasted-user' });
    const refused = await callError('connections:add', {
      name: 'Pasted',
      region: 'us-east-1',
      endpoint: t.sandbox.endpoint,
      source: {
        kind: 'keys',
        accessKeyId: keys.accessKeyId,
        secretAccessKey: keys.secretAccessKey,
        storage: 'encrypted',
      },
    });
    expect(refused.code).toBe('ENCRYPTION_UNAVAILABLE');
    expect(refused.hint).toMatch(/this run only/);
    const conn = await add({
      name: 'Pasted',
      source: {
        kind: 'keys',
        accessKeyId: keys.accessKeyId,
        secretAccessKey: keys.secretAccessKey,
        storage: 'session',
      },
    });
    expect(conn).toMatchObject({
      kind: 'keys',
      keyIdLast4: keys.accessKeyId.slice(-4),
      storage: 'session',
    });
    const target = deps.connections.target(conn.id);
    expect((await whoAmI(target)).Arn).toBe('arn:aws:iam::111122223333:user/pasted-user');
    expect(await resolveInvalid(target)).toBe('InvalidTokenException');
    // Never written: the store holds no trace of it, and no answer carries the secret.
    const stored = JSON.stringify(deps.store.get('connections') ?? []);
    expect(stored).not.toContain('"Pasted"');
    expect(stored).not.toContain(keys.secretAccessKey);
    const listed = JSON.stringify(await call('connections:list', {}));
    expect(listed).not.toContain(keys.secretAccessKey);
    expect(listed).not.toContain(keys.accessKeyId);
    expect(logLines.join('\n')).not.toContain(keys.secretAccessKey);
  });

  it('pasted keys with a role on top (external id) act as the assumed role', async () => {
    const keys = await mint({ userName: 'partner-user' });
    const conn = await add({
      name: 'Partner',
      source: {
        kind: 'keys',
        accessKeyId: keys.accessKeyId,
        secretAccessKey: keys.secretAccessKey,
        storage: 'session',
      },
      role: {
        roleArn: PARTNER,
        externalId: 'meterdesk-sandbox-external-id',
        sessionName: 'partner-run',
        durationSeconds: 900,
      },
    });
    const target = deps.connections.target(conn.id);
    expect((await whoAmI(target)).Arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/MeterdeskPartnerAccess/partner-run',
    );
    expect(await resolveInvalid(target)).toBe('InvalidTokenException');
    const info = await call<{ connections: { id: string; role?: { hasExternalId: boolean } }[] }>(
      'connections:list',
      {},
    );
    expect(JSON.stringify(info)).not.toContain('meterdesk-sandbox-external-id');
    expect(info.connections.find((c) => c.id === conn.id)?.role?.hasExternalId).toBe(true);

    // A wrong external id is the role's AccessDenied, explained.
    const wrong = await add({
      name: 'Partner (wrong id)',
      source: {
        kind: 'keys',
        accessKeyId: keys.accessKeyId,
        secretAccessKey: keys.secretAccessKey,
        storage: 'session',
      },
      role: { roleArn: PARTNER, externalId: 'not-the-id' },
    });
    const error = await whoAmI(deps.connections.target(wrong.id)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('AWS_ACCESS_DENIED');
    expect((error as AppError).hint).toMatch(/sts:AssumeRole/);
  });

  it('self-test: identity and a grid with the one denied API in red, its reason and IAM action', async () => {
    const keys = await mint({ userName: 'grid-user' });
    const conn = await add({
      name: 'Grid',
      source: {
        kind: 'keys',
        accessKeyId: keys.accessKeyId,
        secretAccessKey: keys.secretAccessKey,
        storage: 'session',
      },
    });
    await t.admin('PUT', '/_sandbox/faults', {
      denyActions: [{ accessKeyId: keys.accessKeyId, action: 'aws-marketplace:BatchMeterUsage' }],
    });
    const before = (await t.admin<{ ledger: unknown[] }>('GET', '/_sandbox/state')).body.ledger
      .length;
    try {
      const result = await call<SelfTestResult>('connections:test', { id: conn.id });
      expect(result.identity).toMatchObject({
        account: '111122223333',
        arn: 'arn:aws:iam::111122223333:user/grid-user',
      });
      expect(result.identity?.userId).toMatch(/^AIDA/);
      expect(result.regions).toHaveLength(1);
      const cells = Object.fromEntries((result.regions[0]?.cells ?? []).map((c) => [c.api, c]));
      expect(cells.ResolveCustomer?.status).toBe('allowed');
      expect(cells.MeterUsage?.status).toBe('allowed');
      expect(cells.MeterUsage?.code).toBe('DryRunOperation');
      expect(cells.LookupEvents?.status).toBe('allowed');
      expect(cells.BatchMeterUsage).toMatchObject({
        status: 'denied',
        action: 'aws-marketplace:BatchMeterUsage',
        code: 'AccessDeniedException',
      });
      expect(cells.BatchMeterUsage?.reason).toMatch(
        /may not call BatchMeterUsage in us-east-1.*aws-marketplace:BatchMeterUsage/,
      );
      // The account is now known for the top bar.
      expect(deps.connections.get(conn.id).accountId).toBe('111122223333');
    } finally {
      await t.admin('PUT', '/_sandbox/faults', {});
    }
    // The probes billed nothing.
    expect(
      (await t.admin<{ ledger: unknown[] }>('GET', '/_sandbox/state')).body.ledger.length,
    ).toBe(before);
  });

  it('expired temporary keys: CREDENTIALS_EXPIRED with the fix, before anything is sent', async () => {
    let requests = 0;
    const counter: Server = createServer((_req, res) => {
      requests += 1;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
    try {
      const keys = await mint({ temporary: true, expiresInSeconds: 3600 });
      const conn = await add({
        name: 'Expired session',
        endpoint: `http://127.0.0.1:${(counter.address() as AddressInfo).port}`,
        source: {
          kind: 'keys',
          accessKeyId: keys.accessKeyId,
          secretAccessKey: keys.secretAccessKey,
          sessionToken: keys.sessionToken ?? '',
          expiresAt: Date.now() - 1_000,
          storage: 'session',
        },
      });
      const error = await resolveInvalid(deps.connections.target(conn.id));
      expect(error).toBe('CREDENTIALS_EXPIRED');
      const caught = await whoAmI(deps.connections.target(conn.id)).catch(
        (e: unknown) => e as AppError,
      );
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('CREDENTIALS_EXPIRED');
      expect((caught as AppError).message).toMatch(/nothing was sent/);
      expect((caught as AppError).hint).toMatch(/fresh keys/);
      expect((caught as AppError).retryable).toBe(true);
      expect(requests).toBe(0);
    } finally {
      await new Promise<void>((resolve) => counter.close(() => resolve()));
    }
  });

  it('a session that expired without a known expiry: the SDK error maps to CREDENTIALS_EXPIRED', async () => {
    const keys = await mint({ temporary: true, expiresInSeconds: -60 });
    const conn = await add({
      name: 'Stale session',
      source: {
        kind: 'keys',
        accessKeyId: keys.accessKeyId,
        secretAccessKey: keys.secretAccessKey,
        sessionToken: keys.sessionToken ?? '',
        storage: 'session',
      },
    });
    const result = await call<SelfTestResult>('connections:test', { id: conn.id });
    expect(result.identity).toBeNull();
    expect(result.identityError?.code).toBe('CREDENTIALS_EXPIRED');
    expect(result.regions).toEqual([]);
  });

  it.each(['sso-expired', 'sso-session-expired'])(
    'an SSO profile (%s) whose cached token expired: CREDENTIALS_EXPIRED with aws sso login --profile',
    async (profile) => {
      const conn = await add({ name: profile, source: { kind: 'profile', profile } });
      const caught = await whoAmI(deps.connections.target(conn.id)).catch((e: unknown) => e);
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('CREDENTIALS_EXPIRED');
      expect((caught as AppError).hint).toContain(`aws sso login --profile ${profile}`);
      expect((caught as AppError).retryable).toBe(true);
      const result = await call<SelfTestResult>('connections:test', { id: conn.id });
      expect(result.identityError?.code).toBe('CREDENTIALS_EXPIRED');
      expect(result.identityError?.hint).toContain(`aws sso login --profile ${profile}`);
    },
  );

  it('switches the active connection and region; targets follow the top bar', async () => {
    const conn = await add({
      name: 'Two regions',
      region: 'us-east-1',
      regions: ['us-east-1', 'eu-west-1'],
      source: { kind: 'profile', profile: 'sandbox-static' },
    });
    const list = await call<{ activeId: string; activeRegion: string }>('connections:activate', {
      id: conn.id,
      region: 'eu-west-1',
    });
    expect(list).toMatchObject({ activeId: conn.id, activeRegion: 'eu-west-1' });
    expect(deps.connections.active()?.region).toBe('eu-west-1');
    expect(deps.connections.target(conn.id).region).toBe('eu-west-1');
    expect(deps.connections.target(conn.id, 'us-east-1').region).toBe('us-east-1');
    const outside = await callError('connections:activate', { id: conn.id, region: 'ap-south-1' });
    expect(outside.code).toBe('VALIDATION');
    // Removing the active connection falls back to the sandbox.
    await call('connections:remove', { id: conn.id });
    expect(deps.connections.active()?.id).toBe('sandbox');
  });
});
