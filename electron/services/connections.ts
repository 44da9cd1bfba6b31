// Connections the app can act on: the built-in Sandbox (always there, the default), named AWS
// profiles and pasted keys, each with a default region, the regions to work across, an optional
// role assumed on top and an optional custom endpoint. Non-secret parts persist in the key-value
// store; pasted secrets live only in the SecretStore (OS-encrypted) or, where that refuses, in
// memory for this run. The active connection and region are remembered in settings.
//
// target() is how every area calls AWS: it hands back credentials as a provider that resolves
// lazily (profiles, SSO, assume-role, MFA), caches until near expiry, and refuses with
// CREDENTIALS_EXPIRED before a request is signed once a known expiration has passed.
import { z } from 'zod';
import type {
  AddConnectionInput,
  ConnectionInfo,
  ConnectionList,
  ProfileKind,
  ProfileList,
  ReenteredKeys,
  RoleInput,
  UpdateConnectionInput,
} from '../../shared/channels/connections';
import { isAllowedEndpoint, roleInputSchema } from '../../shared/channels/connections';
import type { ConnectionSummary } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { MfaPrompts } from './mfa-prompts';
import type { KeyValueStore, SecretStore } from './ports';
import type { SettingsService } from './settings';

export const sandboxConnectionId = 'sandbox';

/** Credentials as the AWS SDK takes them; they never leave the main process. */
export type AwsCredentials = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
};
export type CredentialsProvider = () => Promise<AwsCredentials>;

/** Everything needed to call AWS as one connection in one region. Main process only. */
export type AwsTarget = {
  connectionId: string;
  region: string;
  endpoint?: string;
  credentials: AwsCredentials | CredentialsProvider;
  /** The AWS profile behind the connection: pass it to mapAwsError for the right login hint. */
  profile?: string;
  /** True for the built-in sandbox: nothing it does can bill. */
  isSandbox?: boolean;
};

export type SandboxEndpoint = {
  endpoint: string;
  region: string;
  /** Every region the sandbox serves (its home region first); default just `region`. */
  regions?: readonly string[];
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
};

/** Where the SDK's STS (and SSO) clients go while resolving credentials. */
export type StsClientOptions = { region: string; endpoint?: string };

/** Credential providers by kind; the adapter builds them from @aws-sdk/credential-providers. */
export type CredentialSources = {
  profile: (options: {
    profile: string;
    /** The profile assumes a role (errors then name AssumeRole). */
    viaRole: boolean;
    sts: StsClientOptions;
    mfaCodeProvider: (mfaSerial: string) => Promise<string>;
    /** The files changed since the last provider was made: read them again. */
    ignoreCache: boolean;
  }) => CredentialsProvider;
  assumeRole: (options: {
    master: CredentialsProvider;
    role: RoleInput;
    sts: StsClientOptions;
    profile?: string;
  }) => CredentialsProvider;
};

/** The profile files, as the service needs them. */
export type ProfilesPort = { list: () => ProfileList; version: () => number };

export type ConnectionsService = {
  list: () => ConnectionSummary[];
  active: () => ConnectionSummary | null;
  get: (id: string) => ConnectionSummary;
  /**
   * How to call AWS as this connection. `region` defaults to the active region when `id` is the
   * active connection (what the top bar shows), else to the connection's default region.
   */
  target: (id: string, region?: string) => AwsTarget;
  /** The region every screen acts on: the active region, or the connection's default. */
  activeRegion: () => string;
  /** Everything the Connections screen shows; never a secret. */
  details: () => ConnectionList;
  info: (id: string) => ConnectionInfo;
  add: (input: AddConnectionInput) => ConnectionInfo;
  update: (input: UpdateConnectionInput) => ConnectionInfo;
  remove: (id: string) => boolean;
  activate: (id: string, region?: string) => ConnectionList;
  /** Remembers who the connection signed in as (from a self-test), for the top bar. */
  recordIdentity: (id: string, identity: { accountId: string; arn: string }) => void;
  answerMfa: MfaPrompts['answer'];
  close: () => void;
};

const CONNECTIONS_KEY = 'connections';
/** The SDK refreshes credentials this long before they expire; so does the cache here. */
const REFRESH_WINDOW_MS = 5 * 60_000;
/** A request signed this close to expiry could arrive expired: refuse it up front. */
const EXPIRY_MARGIN_MS = 5_000;

const storedConnectionSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('profile'), profile: z.string() }),
    z.object({
      kind: z.literal('keys'),
      keyIdLast4: z.string(),
      hasSessionToken: z.boolean(),
      expiresAt: z.number().optional(),
      storage: z.enum(['encrypted', 'session']),
    }),
  ]),
  region: z.string(),
  regions: z.array(z.string()).min(1),
  role: roleInputSchema.optional(),
  endpoint: z.string().optional(),
  accountId: z.string().optional(),
  arn: z.string().optional(),
  createdAt: z.number(),
});
type StoredConnection = z.infer<typeof storedConnectionSchema>;

const keySecretSchema = z.object({
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  sessionToken: z.string().optional(),
});
type KeySecret = z.infer<typeof keySecretSchema>;

export type ConnectionsDeps = {
  sandbox: () => SandboxEndpoint | null;
  settings: Pick<SettingsService, 'get' | 'set'>;
  store: KeyValueStore;
  secrets: SecretStore;
  profiles: ProfilesPort;
  credentials: CredentialSources;
  mfa: MfaPrompts;
  now: () => number;
  newId?: () => string;
  /** Connections changed (added, removed, renamed, identity learned). */
  onChange?: () => void;
};

function uniqueRegions(first: string, rest: readonly string[] = []): string[] {
  return [...new Set([first, ...rest])];
}

function expiredError(connection: StoredConnection, expiration: Date): AppError {
  const at = expiration.toISOString();
  const hint =
    connection.source.kind === 'profile'
      ? `Run \`aws sso login --profile ${connection.source.profile}\` (or refresh the role session), then retry.`
      : 'These keys cannot be refreshed: remove the connection and add it again with fresh keys, then retry.';
  return new AppError(
    'CREDENTIALS_EXPIRED',
    `The credentials of “${connection.name}” expired at ${at}; nothing was sent.`,
    { hint, retryable: true, details: { connectionId: connection.id, expiredAt: at } },
  );
}

function keysRequiredError(connection: StoredConnection): AppError {
  const message = `To change where “${connection.name}” sends its requests, type its access key id and secret access key again.`;
  return new AppError('VALIDATION', message, {
    hint: 'The saved keys are never shown; paste them from where you keep them, or add a new connection.',
    details: { issues: [{ path: 'keys', message }] },
  });
}

/** A stored endpoint that breaks today's rule (an older version, a hand-edited file) is not used. */
function checkStoredEndpoint(connection: StoredConnection): void {
  if (connection.endpoint === undefined || isAllowedEndpoint(connection.endpoint)) return;
  throw new AppError(
    'VALIDATION',
    `The endpoint of “${connection.name}” (${connection.endpoint}) is plain http off this computer; nothing was sent.`,
    { hint: 'Edit the connection and use an https:// endpoint.', retryable: false },
  );
}

export function createConnectionsService(deps: ConnectionsDeps): ConnectionsService {
  const newId = deps.newId ?? (() => globalThis.crypto.randomUUID());
  /** Keys for this run only: never written anywhere. */
  const sessionConnections = new Map<string, StoredConnection>();
  const sessionSecrets = new Map<string, KeySecret>();
  const providers = new Map<string, { key: string; provider: CredentialsProvider }>();
  /** The last expiration seen per connection (for the screen). */
  const expirations = new Map<string, number>();

  function loadStored(): StoredConnection[] {
    const raw = deps.store.get(CONNECTIONS_KEY);
    if (!Array.isArray(raw)) return [];
    // A damaged entry is skipped, not fatal: the others stay usable.
    return raw.flatMap((entry: unknown) => {
      const parsed = storedConnectionSchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    });
  }

  function saveStored(all: StoredConnection[]): void {
    deps.store.set(CONNECTIONS_KEY, all);
  }

  function records(): StoredConnection[] {
    return [...loadStored(), ...sessionConnections.values()];
  }

  function record(id: string): StoredConnection {
    const found = records().find((connection) => connection.id === id);
    if (!found) throw new AppError('NOT_FOUND', `No connection with id "${id}".`);
    return found;
  }

  function replace(next: StoredConnection): void {
    if (sessionConnections.has(next.id)) {
      sessionConnections.set(next.id, next);
      return;
    }
    saveStored(loadStored().map((connection) => (connection.id === next.id ? next : connection)));
  }

  function sandboxSummary(): ConnectionSummary | null {
    const sandbox = deps.sandbox();
    if (!sandbox) return null;
    return {
      id: sandboxConnectionId,
      name: 'Sandbox',
      kind: 'sandbox',
      isSandbox: true,
      region: sandbox.region,
      regions: [...(sandbox.regions ?? [sandbox.region])],
      accountId: sandbox.accountId,
      endpoint: sandbox.endpoint,
    };
  }

  function summaryOf(connection: StoredConnection): ConnectionSummary {
    return {
      id: connection.id,
      name: connection.name,
      kind: connection.source.kind,
      isSandbox: false,
      region: connection.region,
      regions: connection.regions,
      ...(connection.accountId === undefined ? {} : { accountId: connection.accountId }),
      ...(connection.endpoint === undefined ? {} : { endpoint: connection.endpoint }),
    };
  }

  function baseList(): ConnectionSummary[] {
    const sandbox = sandboxSummary();
    return [...(sandbox ? [sandbox] : []), ...records().map(summaryOf)];
  }

  function activeBase(): ConnectionSummary | null {
    const all = baseList();
    const wanted = deps.settings.get().activeConnectionId;
    return all.find((connection) => connection.id === wanted) ?? all[0] ?? null;
  }

  function activeRegionOf(connection: ConnectionSummary | null): string {
    if (!connection) return '';
    const wanted = deps.settings.get().activeRegion;
    return connection.regions.includes(wanted) ? wanted : connection.region;
  }

  function withActiveRegion(connection: ConnectionSummary, activeId: string | undefined) {
    return connection.id === activeId
      ? { ...connection, region: activeRegionOf(connection) }
      : connection;
  }

  function list(): ConnectionSummary[] {
    const activeId = activeBase()?.id;
    return baseList().map((connection) => withActiveRegion(connection, activeId));
  }

  function get(id: string): ConnectionSummary {
    const found = list().find((connection) => connection.id === id);
    if (!found) throw new AppError('NOT_FOUND', `No connection with id "${id}".`);
    return found;
  }

  function active(): ConnectionSummary | null {
    const connection = activeBase();
    return connection ? withActiveRegion(connection, connection.id) : null;
  }

  function profileKindOf(profile: string): ProfileKind | undefined {
    return deps.profiles.list().profiles.find((p) => p.name === profile)?.kind;
  }

  function infoOf(connection: StoredConnection, profiles: ProfileList): ConnectionInfo {
    const info: ConnectionInfo = {
      ...summaryOf(connection),
      ...(connection.arn === undefined ? {} : { arn: connection.arn }),
    };
    if (connection.source.kind === 'profile') {
      const name = connection.source.profile;
      info.profile = name;
      const profile = profiles.profiles.find((p) => p.name === name);
      if (profile) {
        info.profileKind = profile.kind;
        if (profile.problem !== undefined) info.problem = `Profile “${name}”: ${profile.problem}`;
      } else {
        info.problem = `The profile “${name}” is no longer in ${profiles.configFile} or ${profiles.credentialsFile}.`;
      }
    } else {
      info.keyIdLast4 = connection.source.keyIdLast4;
      info.storage = connection.source.storage;
      info.hasSessionToken = connection.source.hasSessionToken;
      if (connection.source.expiresAt !== undefined) info.expiresAt = connection.source.expiresAt;
    }
    const seen = expirations.get(connection.id);
    if (info.expiresAt === undefined && seen !== undefined) info.expiresAt = seen;
    if (connection.role) {
      info.role = {
        roleArn: connection.role.roleArn,
        hasExternalId: connection.role.externalId !== undefined,
        ...(connection.role.sessionName === undefined
          ? {}
          : { sessionName: connection.role.sessionName }),
        ...(connection.role.durationSeconds === undefined
          ? {}
          : { durationSeconds: connection.role.durationSeconds }),
      };
    }
    return info;
  }

  function sandboxInfo(): ConnectionInfo | null {
    const sandbox = sandboxSummary();
    return sandbox ? { ...sandbox } : null;
  }

  function info(id: string): ConnectionInfo {
    if (id === sandboxConnectionId) {
      const sandbox = sandboxInfo();
      if (sandbox) return sandbox;
    }
    return infoOf(record(id), deps.profiles.list());
  }

  function details(): ConnectionList {
    const profiles = deps.profiles.list();
    const sandbox = sandboxInfo();
    const current = activeBase();
    return {
      connections: [...(sandbox ? [sandbox] : []), ...records().map((c) => infoOf(c, profiles))],
      activeId: current?.id ?? '',
      activeRegion: activeRegionOf(current),
      secretStorage: deps.secrets.status(),
    };
  }

  /** Caches resolved credentials until near expiry; refuses expired ones before any signing. */
  function guarded(
    connection: StoredConnection,
    resolve: CredentialsProvider,
  ): CredentialsProvider {
    let cached: AwsCredentials | undefined;
    let pending: Promise<AwsCredentials> | undefined;
    return async () => {
      const fresh = (c: AwsCredentials): boolean =>
        c.expiration === undefined || c.expiration.getTime() - deps.now() > REFRESH_WINDOW_MS;
      if (cached && fresh(cached)) return cached;
      pending ??= resolve().finally(() => {
        pending = undefined;
      });
      const resolved = await pending;
      cached = resolved;
      if (resolved.expiration !== undefined) {
        expirations.set(connection.id, resolved.expiration.getTime());
        if (resolved.expiration.getTime() <= deps.now() + EXPIRY_MARGIN_MS) {
          throw expiredError(connection, resolved.expiration);
        }
      }
      return resolved;
    };
  }

  function keySecretOf(connection: StoredConnection): KeySecret {
    const inMemory = sessionSecrets.get(connection.id);
    if (inMemory) return inMemory;
    const stored = deps.secrets.load(connection.id);
    const parsed = stored === undefined ? undefined : keySecretSchema.safeParse(JSON.parse(stored));
    if (!parsed?.success) {
      throw new AppError(
        'CREDENTIALS_MISSING',
        `The saved keys of “${connection.name}” cannot be read on this computer any more.`,
        { hint: 'Remove the connection and add it again with its keys.', retryable: false },
      );
    }
    return parsed.data;
  }

  function providerFor(connection: StoredConnection): CredentialsProvider {
    const version = deps.profiles.version();
    const key = JSON.stringify([
      version,
      connection.source,
      connection.role,
      connection.endpoint,
      connection.region,
    ]);
    const existing = providers.get(connection.id);
    if (existing?.key === key) return existing.provider;

    const sts: StsClientOptions = {
      region: connection.region,
      ...(connection.endpoint === undefined ? {} : { endpoint: connection.endpoint }),
    };
    let base: CredentialsProvider;
    let profile: string | undefined;
    if (connection.source.kind === 'profile') {
      profile = connection.source.profile;
      base = deps.credentials.profile({
        profile,
        viaRole: profileKindOf(profile) === 'assume-role',
        sts,
        mfaCodeProvider: (mfaSerial) =>
          deps.mfa.ask({ connectionId: connection.id, connectionName: connection.name, mfaSerial }),
        ignoreCache: existing !== undefined || version > 0,
      });
    } else {
      const { expiresAt } = connection.source;
      base = () => {
        const secret = keySecretOf(connection);
        return Promise.resolve({
          accessKeyId: secret.accessKeyId,
          secretAccessKey: secret.secretAccessKey,
          ...(secret.sessionToken === undefined ? {} : { sessionToken: secret.sessionToken }),
          ...(expiresAt === undefined ? {} : { expiration: new Date(expiresAt) }),
        });
      };
    }
    let provider = guarded(connection, base);
    if (connection.role) {
      // The role's own session is refreshed by assuming it again; only the master can expire
      // for good, and its guard says so before AssumeRole is sent.
      provider = guarded(
        { ...connection, role: undefined },
        deps.credentials.assumeRole({
          master: provider,
          role: connection.role,
          sts,
          ...(profile === undefined ? {} : { profile }),
        }),
      );
    }
    providers.set(connection.id, { key, provider });
    return provider;
  }

  function target(id: string, region?: string): AwsTarget {
    const isActive = activeBase()?.id === id;
    if (id === sandboxConnectionId) {
      const sandbox = deps.sandbox();
      if (sandbox) {
        return {
          connectionId: id,
          region: region ?? sandbox.region,
          endpoint: sandbox.endpoint,
          credentials: {
            accessKeyId: sandbox.accessKeyId,
            secretAccessKey: sandbox.secretAccessKey,
          },
          isSandbox: true,
        };
      }
    }
    const connection = record(id);
    if (connection.source.kind === 'profile') {
      const name = connection.source.profile;
      const files = deps.profiles.list();
      if (!files.profiles.some((p) => p.name === name)) {
        throw new AppError(
          'CREDENTIALS_MISSING',
          `The profile “${name}” of connection “${connection.name}” is no longer in your AWS config files.`,
          {
            hint: `Add [profile ${name}] back to ${files.configFile} (or ${files.credentialsFile}), or remove this connection.`,
            retryable: false,
          },
        );
      }
    }
    checkStoredEndpoint(connection);
    const summary = summaryOf(connection);
    return {
      connectionId: id,
      region: region ?? (isActive ? activeRegionOf(summary) : connection.region),
      ...(connection.endpoint === undefined ? {} : { endpoint: connection.endpoint }),
      credentials: providerFor(connection),
      ...(connection.source.kind === 'profile' ? { profile: connection.source.profile } : {}),
      isSandbox: false,
    };
  }

  function changed(): void {
    deps.onChange?.();
  }

  function add(input: AddConnectionInput): ConnectionInfo {
    const id = `conn-${newId()}`;
    const base = {
      id,
      name: input.name,
      region: input.region,
      regions: uniqueRegions(input.region, input.regions),
      ...(input.role === undefined ? {} : { role: input.role }),
      ...(input.endpoint === undefined ? {} : { endpoint: input.endpoint }),
      createdAt: deps.now(),
    };
    const { source } = input;
    if (source.kind === 'profile') {
      const files = deps.profiles.list();
      if (!files.profiles.some((p) => p.name === source.profile)) {
        throw new AppError(
          'VALIDATION',
          `There is no profile “${source.profile}” in ${files.configFile} or ${files.credentialsFile}.`,
          { hint: 'Pick one of the profiles listed, or add it to your AWS config first.' },
        );
      }
      const connection: StoredConnection = {
        ...base,
        source: { kind: 'profile', profile: source.profile },
      };
      saveStored([...loadStored(), connection]);
      changed();
      return infoOf(connection, files);
    }
    const secret: KeySecret = {
      accessKeyId: source.accessKeyId,
      secretAccessKey: source.secretAccessKey,
      ...(source.sessionToken === undefined ? {} : { sessionToken: source.sessionToken }),
    };
    const connection: StoredConnection = {
      ...base,
      source: {
        kind: 'keys',
        keyIdLast4: source.accessKeyId.slice(-4),
        hasSessionToken: source.sessionToken !== undefined,
        ...(source.expiresAt === undefined ? {} : { expiresAt: source.expiresAt }),
        storage: source.storage,
      },
    };
    if (source.storage === 'encrypted') {
      // Throws ENCRYPTION_UNAVAILABLE (with the reason) before anything is written.
      deps.secrets.save(id, JSON.stringify(secret));
      saveStored([...loadStored(), connection]);
    } else {
      sessionConnections.set(id, connection);
      sessionSecrets.set(id, secret);
    }
    changed();
    return infoOf(connection, deps.profiles.list());
  }

  /** Saves keys typed again over the connection's own, where its keys live. */
  function replaceKeys(connection: StoredConnection, keys: ReenteredKeys): StoredConnection {
    if (connection.source.kind !== 'keys') {
      throw new AppError('VALIDATION', `“${connection.name}” signs in with a profile, not keys.`);
    }
    const secret: KeySecret = {
      accessKeyId: keys.accessKeyId,
      secretAccessKey: keys.secretAccessKey,
      ...(keys.sessionToken === undefined ? {} : { sessionToken: keys.sessionToken }),
    };
    if (connection.source.storage === 'encrypted') {
      deps.secrets.save(connection.id, JSON.stringify(secret));
    } else {
      sessionSecrets.set(connection.id, secret);
    }
    return {
      ...connection,
      source: {
        ...connection.source,
        keyIdLast4: keys.accessKeyId.slice(-4),
        hasSessionToken: keys.sessionToken !== undefined,
      },
    };
  }

  function update(input: UpdateConnectionInput): ConnectionInfo {
    if (input.id === sandboxConnectionId) {
      throw new AppError('VALIDATION', 'The built-in Sandbox connection cannot be changed.');
    }
    const current = record(input.id);
    const endpointChanges =
      input.endpoint !== undefined && (input.endpoint ?? undefined) !== current.endpoint;
    // Saved keys are not sent anywhere new on the say-so of whoever sits at the screen.
    if (endpointChanges && current.source.kind === 'keys' && input.keys === undefined) {
      throw keysRequiredError(current);
    }
    let region = input.region ?? current.region;
    let regions = input.regions ?? current.regions;
    if (input.regions !== undefined && input.region === undefined && !regions.includes(region)) {
      region = regions[0] ?? region;
    }
    regions = uniqueRegions(region, regions);
    const next: StoredConnection = {
      ...(input.keys === undefined ? current : replaceKeys(current, input.keys)),
      name: input.name ?? current.name,
      region,
      regions,
    };
    if (input.role === null) delete next.role;
    else if (input.role !== undefined) next.role = input.role;
    if (input.endpoint === null) delete next.endpoint;
    else if (input.endpoint !== undefined) next.endpoint = input.endpoint;
    // A different role, endpoint or keys can be a different account.
    if (input.role !== undefined || input.endpoint !== undefined || input.keys !== undefined) {
      delete next.accountId;
      delete next.arn;
    }
    replace(next);
    providers.delete(next.id);
    changed();
    return infoOf(next, deps.profiles.list());
  }

  function remove(id: string): boolean {
    if (id === sandboxConnectionId) {
      throw new AppError('VALIDATION', 'The built-in Sandbox connection cannot be removed.');
    }
    const stored = loadStored();
    const inStore = stored.some((connection) => connection.id === id);
    const inSession = sessionConnections.delete(id);
    sessionSecrets.delete(id);
    if (!inStore && !inSession) return false;
    if (inStore) {
      saveStored(stored.filter((connection) => connection.id !== id));
      deps.secrets.remove(id);
    }
    providers.delete(id);
    expirations.delete(id);
    if (deps.settings.get().activeConnectionId === id) {
      deps.settings.set({ activeConnectionId: sandboxConnectionId, activeRegion: '' });
    }
    changed();
    return true;
  }

  function activate(id: string, region?: string): ConnectionList {
    const connection = get(id);
    if (region !== undefined && !connection.regions.includes(region)) {
      throw new AppError(
        'VALIDATION',
        `${region} is not one of the regions of “${connection.name}” (${connection.regions.join(', ')}).`,
        { hint: 'Add the region to the connection first.' },
      );
    }
    deps.settings.set({ activeConnectionId: id, activeRegion: region ?? '' });
    return details();
  }

  function recordIdentity(id: string, identity: { accountId: string; arn: string }): void {
    if (id === sandboxConnectionId) return;
    const current = record(id);
    if (current.accountId === identity.accountId && current.arn === identity.arn) return;
    replace({ ...current, accountId: identity.accountId, arn: identity.arn });
    changed();
  }

  return {
    list,
    active,
    get,
    target,
    activeRegion: () => activeRegionOf(activeBase()),
    details,
    info,
    add,
    update,
    remove,
    activate,
    recordIdentity,
    answerMfa: (answer) => deps.mfa.answer(answer),
    close: () => deps.mfa.cancelAll(),
  };
}
