// The connections service with fakes: what persists (non-secret parts in the store, the secret
// only in the SecretStore), what survives a restart, the refusal path, expiry before signing,
// MFA prompts, and that no description of a connection ever carries a secret.
import { describe, expect, it } from 'vitest';
import {
  addConnectionInputSchema,
  isAllowedEndpoint,
  updateConnectionInputSchema,
  type ProfileList,
} from '../../shared/channels/connections';
import { AppError } from '../../shared/errors';
import { createMemoryStore } from '../adapters/storage/memory-store';
import {
  createConnectionsService,
  type AwsCredentials,
  type CredentialSources,
  type CredentialsProvider,
} from './connections';
import { createMfaPrompts } from './mfa-prompts';
import type { KeyValueStore, SecretStore } from './ports';
import { createSettingsService } from './settings';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';

/** Holds "ciphertext" (XOR-masked, base64) in a map, standing in for OS encryption. */
const mask = (bytes: Buffer): Buffer => Buffer.from(bytes.map((b) => b ^ 0x5a));

function fakeSecrets(available: boolean): SecretStore & { raw: Map<string, string> } {
  const raw = new Map<string, string>();
  return {
    raw,
    status: () =>
      available ? { available: true } : { available: false, reason: 'no keyring in this test' },
    save(id, plaintext) {
      if (!available) throw new AppError('ENCRYPTION_UNAVAILABLE', 'refused: no keyring');
      raw.set(id, mask(Buffer.from(plaintext, 'utf8')).toString('base64'));
    },
    load(id) {
      const value = raw.get(id);
      return value === undefined ? undefined : mask(Buffer.from(value, 'base64')).toString('utf8');
    },
    remove(id) {
      raw.delete(id);
    },
  };
}

const noProfiles: ProfileList = {
  configFile: '/home/u/.aws/config',
  credentialsFile: '/home/u/.aws/credentials',
  profiles: [{ name: 'mfa-role', kind: 'assume-role', files: ['config'], hasExternalId: false }],
  ssoSessions: [],
  readAt: 0,
};

function setup(options: {
  store?: KeyValueStore;
  secrets?: SecretStore;
  now?: () => number;
  profile?: (ask: (serial: string) => Promise<string>) => CredentialsProvider;
}) {
  const store = options.store ?? createMemoryStore();
  const settings = createSettingsService(store);
  const requests: string[] = [];
  const mfa = createMfaPrompts({
    onRequest: (r) => requests.push(r.requestId),
    onSettled: () => undefined,
    newId: () => `mfa-${requests.length + 1}`,
    timeoutMs: 200,
  });
  const credentials: CredentialSources = {
    profile: ({ mfaCodeProvider }) =>
      options.profile?.(mfaCodeProvider) ??
      (() => Promise.resolve({ accessKeyId: 'AKIAPROFILE', secretAccessKey: 'x' })),
    assumeRole:
      ({ master }) =>
      async () => {
        await master();
        return { accessKeyId: 'ASIAROLE', secretAccessKey: 'y', sessionToken: 'z' };
      },
  };
  const service = createConnectionsService({
    sandbox: () => ({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      accountId: '111122223333',
      accessKeyId: 'AKIASANDBOX',
      secretAccessKey: 'sandbox-secret',
    }),
    settings,
    store,
    secrets: options.secrets ?? fakeSecrets(true),
    profiles: { list: () => noProfiles, version: () => 0 },
    credentials,
    mfa,
    now: options.now ?? Date.now,
    newId: () => 'fixed',
  });
  return { service, store, settings, requests };
}

async function resolve(credentials: AwsCredentials | CredentialsProvider): Promise<AwsCredentials> {
  return typeof credentials === 'function' ? credentials() : credentials;
}

describe('connections service: pasted keys', () => {
  it('saves pasted keys encrypted: the store holds no secret, a restart still signs in', async () => {
    const store = createMemoryStore();
    const secrets = fakeSecrets(true);
    const first = setup({ store, secrets }).service;
    const added = first.add({
      name: 'Finance',
      region: 'eu-west-1',
      regions: ['us-east-1'],
      source: { kind: 'keys', accessKeyId: KEY_ID, secretAccessKey: SECRET, storage: 'encrypted' },
    });
    expect(added).toMatchObject({
      id: 'conn-fixed',
      kind: 'keys',
      keyIdLast4: 'MPLE',
      storage: 'encrypted',
      region: 'eu-west-1',
      regions: ['eu-west-1', 'us-east-1'],
    });
    const persisted = JSON.stringify(store.get('connections'));
    expect(persisted).toContain('Finance');
    expect(persisted).not.toContain(SECRET);
    expect(persisted).not.toContain(KEY_ID);
    expect([...secrets.raw.values()].join()).not.toContain(SECRET);
    expect(JSON.stringify(first.details())).not.toContain(SECRET);

    const second = setup({ store, secrets }).service;
    const creds = await resolve(second.target('conn-fixed').credentials);
    expect(creds).toMatchObject({ accessKeyId: KEY_ID, secretAccessKey: SECRET });
    expect(second.remove('conn-fixed')).toBe(true);
    expect(secrets.raw.size).toBe(0);
  });

  it('refuses to save where encryption is unavailable; the keys work for this run only', async () => {
    const store = createMemoryStore();
    const { service } = setup({ store, secrets: fakeSecrets(false) });
    expect(service.details().secretStorage).toEqual({
      available: false,
      reason: 'no keyring in this test',
    });
    expect(() =>
      service.add({
        name: 'Pasted',
        region: 'us-east-1',
        source: {
          kind: 'keys',
          accessKeyId: KEY_ID,
          secretAccessKey: SECRET,
          storage: 'encrypted',
        },
      }),
    ).toThrow(/refused/);
    expect(store.get('connections')).toBeUndefined();
    service.add({
      name: 'Pasted',
      region: 'us-east-1',
      source: { kind: 'keys', accessKeyId: KEY_ID, secretAccessKey: SECRET, storage: 'session' },
    });
    expect(store.get('connections')).toBeUndefined();
    expect((await resolve(service.target('conn-fixed').credentials)).secretAccessKey).toBe(SECRET);
    // A restart forgets it.
    expect(
      setup({ store })
        .service.list()
        .map((c) => c.id),
    ).toEqual(['sandbox']);
  });

  it('refuses expired keys with CREDENTIALS_EXPIRED before any signing', async () => {
    let now = 1_000_000;
    const { service } = setup({ now: () => now });
    service.add({
      name: 'Temp',
      region: 'us-east-1',
      source: {
        kind: 'keys',
        accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
        secretAccessKey: SECRET,
        sessionToken: 'token-token-token-token',
        expiresAt: now + 60_000,
        storage: 'session',
      },
    });
    const provider = service.target('conn-fixed').credentials as CredentialsProvider;
    expect((await provider()).expiration?.getTime()).toBe(1_060_000);
    now += 61_000;
    const error = await provider().catch((e: unknown) => e as AppError);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CREDENTIALS_EXPIRED');
    expect((error as AppError).hint).toMatch(/fresh keys/);
  });
});

describe('connections service: profiles, MFA and refusals', () => {
  it('a profile needing MFA waits for the answer; a cancelled prompt fails with CANCELLED', async () => {
    const { service, requests } = setup({
      profile: (ask) => async () => {
        const code = await ask('arn:aws:iam::111122223333:mfa/alice');
        return { accessKeyId: `ASIA${code}`, secretAccessKey: 's' };
      },
    });
    service.add({
      name: 'MFA',
      region: 'us-east-1',
      source: { kind: 'profile', profile: 'mfa-role' },
    });
    const provider = service.target('conn-fixed').credentials as CredentialsProvider;
    const first = provider();
    await expect.poll(() => requests.length).toBe(1);
    expect(service.answerMfa({ requestId: 'mfa-1', code: '123456' })).toBe(true);
    expect((await first).accessKeyId).toBe('ASIA123456');
    expect(service.answerMfa({ requestId: 'mfa-1', code: '123456' })).toBe(false);

    service.update({ id: 'conn-fixed', name: 'MFA again' }); // drops the cached session
    const second = (service.target('conn-fixed').credentials as CredentialsProvider)();
    await expect.poll(() => requests.length).toBe(2);
    service.answerMfa({ requestId: 'mfa-2', cancel: true });
    await expect(second).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('an unanswered MFA prompt times out', async () => {
    const { service } = setup({
      profile: (ask) => async () => {
        await ask('serial');
        return { accessKeyId: 'A', secretAccessKey: 'B' };
      },
    });
    service.add({
      name: 'MFA',
      region: 'us-east-1',
      source: { kind: 'profile', profile: 'mfa-role' },
    });
    await expect(
      (service.target('conn-fixed').credentials as CredentialsProvider)(),
    ).rejects.toMatchObject({ code: 'CANCELLED', message: /in time/ });
  });

  it('rejects unknown profiles, keeps the sandbox undeletable and the region within the list', () => {
    const { service } = setup({});
    expect(() =>
      service.add({ name: 'x', region: 'us-east-1', source: { kind: 'profile', profile: 'nope' } }),
    ).toThrow(/no profile “nope”/);
    expect(() => service.remove('sandbox')).toThrow(/cannot be removed/);
    service.add({
      name: 'R',
      region: 'us-east-1',
      regions: ['eu-west-1'],
      source: { kind: 'profile', profile: 'mfa-role' },
      role: { roleArn: 'arn:aws:iam::111122223333:role/MeterdeskOperator', externalId: 'ext-id-1' },
    });
    expect(JSON.stringify(service.details())).not.toContain('ext-id-1');
    expect(() => service.activate('conn-fixed', 'ap-south-1')).toThrow(/not one of the regions/);
    service.activate('conn-fixed', 'eu-west-1');
    expect(service.active()).toMatchObject({ id: 'conn-fixed', region: 'eu-west-1' });
    expect(service.target('conn-fixed').region).toBe('eu-west-1');
    expect(service.target('conn-fixed', 'us-east-1').region).toBe('us-east-1');
    expect(service.get('conn-fixed').kind).toBe('profile');
  });
});

describe('connections: custom endpoints', () => {
  const keysSource = {
    kind: 'keys' as const,
    accessKeyId: KEY_ID,
    secretAccessKey: SECRET,
    storage: 'encrypted' as const,
  };

  it('accepts https anywhere and plain http only on this computer', () => {
    const allowed = [
      'https://metering.marketplace.us-east-1.amazonaws.com',
      'https://vpce-0a1b.metering.marketplace.us-east-1.vpce.amazonaws.com/',
      'http://localhost:4566',
      'http://127.0.0.1:4566',
      'http://127.8.9.10',
      'http://[::1]:4566/',
    ];
    const refused = [
      'http://metering.example.com',
      'http://10.0.0.5:4566',
      'http://192.168.1.20',
      'http://localhost.evil.example',
      'http://127.0.0.1.nip.io',
      'http://[::2]:4566',
      'ftp://localhost',
    ];
    for (const endpoint of allowed) {
      expect(isAllowedEndpoint(endpoint), endpoint).toBe(true);
      expect(
        addConnectionInputSchema.safeParse({
          name: 'x',
          region: 'us-east-1',
          source: keysSource,
          endpoint,
        }).success,
        endpoint,
      ).toBe(true);
    }
    for (const endpoint of refused) {
      expect(isAllowedEndpoint(endpoint), endpoint).toBe(false);
      const parsed = updateConnectionInputSchema.safeParse({ id: 'conn-1', endpoint });
      expect(parsed.success, endpoint).toBe(false);
    }
  });

  it('refuses to use a stored plain-http endpoint off this computer, before anything is signed', () => {
    const store = createMemoryStore();
    const { service } = setup({ store });
    service.add({ name: 'Old', region: 'us-east-1', source: keysSource });
    const [stored] = store.get('connections') as Record<string, unknown>[];
    store.set('connections', [{ ...stored, endpoint: 'http://metering.example.com' }]);
    expect(() => service.target('conn-fixed')).toThrow(/plain http off this computer/);
  });

  it('needs the keys again to change the endpoint of a keys connection, and saves the new ones', async () => {
    const secrets = fakeSecrets(true);
    const { service } = setup({ secrets });
    service.add({
      name: 'Finance',
      region: 'us-east-1',
      endpoint: 'https://metering.example.com',
      source: keysSource,
    });
    service.recordIdentity('conn-fixed', {
      accountId: '444455556666',
      arn: 'arn:aws:iam::444455556666:user/a',
    });
    for (const endpoint of ['https://elsewhere.example.com', null]) {
      let refusal: unknown;
      try {
        service.update({ id: 'conn-fixed', endpoint });
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(AppError);
      expect(refusal).toMatchObject({
        code: 'VALIDATION',
        message: /type its access key id and secret access key again/,
      });
      expect(service.info('conn-fixed').endpoint).toBe('https://metering.example.com');
    }
    // The same endpoint again, or other settings, need nothing more.
    expect(
      service.update({ id: 'conn-fixed', endpoint: 'https://metering.example.com', name: 'Fin' })
        .name,
    ).toBe('Fin');

    const newSecret = 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY';
    const updated = service.update({
      id: 'conn-fixed',
      endpoint: 'https://elsewhere.example.com',
      keys: { accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: newSecret },
    });
    expect(updated).toMatchObject({
      endpoint: 'https://elsewhere.example.com',
      keyIdLast4: 'MPLE',
    });
    expect(updated.accountId).toBeUndefined();
    const target = service.target('conn-fixed');
    expect(target.endpoint).toBe('https://elsewhere.example.com');
    expect(await resolve(target.credentials)).toMatchObject({
      accessKeyId: 'AKIAI44QH8DHBEXAMPLE',
      secretAccessKey: newSecret,
    });
    expect([...secrets.raw.values()].join()).not.toContain(newSecret);
  });

  it('lets a profile connection change its endpoint without keys (its credentials are in the AWS files)', () => {
    const { service } = setup({});
    service.add({
      name: 'Prof',
      region: 'us-east-1',
      source: { kind: 'profile', profile: 'mfa-role' },
    });
    expect(
      service.update({ id: 'conn-fixed', endpoint: 'https://elsewhere.example.com' }).endpoint,
    ).toBe('https://elsewhere.example.com');
    expect(() =>
      service.update({ id: 'conn-fixed', keys: { accessKeyId: KEY_ID, secretAccessKey: SECRET } }),
    ).toThrow(/signs in with a profile/);
  });
});
