// Credential providers per connection: a profile's (SSO, assume-role, MFA through the prompts) or
// pasted keys', with an optional role assumed on top. Each caches until near expiry and refuses
// with CREDENTIALS_EXPIRED before a request is signed once a known expiration has passed.
import { AppError } from '../../../shared/errors';
import type { ConnectionsContext } from './context';
import { keySecretSchema, type KeySecret, type StoredConnection } from './records';
import type { AwsCredentials, CredentialsProvider, StsClientOptions } from './types';

/** The SDK refreshes credentials this long before they expire; so does the cache here. */
const REFRESH_WINDOW_MS = 5 * 60_000;
/** A request signed this close to expiry could arrive expired: refuse it up front. */
const EXPIRY_MARGIN_MS = 5_000;

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

/** Caches resolved credentials until near expiry; refuses expired ones before any signing. */
function guarded(
  { deps, expirations }: ConnectionsContext,
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

function keySecretOf(
  { deps, records }: ConnectionsContext,
  connection: StoredConnection,
): KeySecret {
  const inMemory = records.sessionSecrets.get(connection.id);
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

/** The provider of the connection's own sign-in, before any role is assumed on top. */
function signInProvider(
  context: ConnectionsContext,
  connection: StoredConnection,
  sts: StsClientOptions,
  ignoreCache: boolean,
): CredentialsProvider {
  const { deps } = context;
  if (connection.source.kind === 'profile') {
    const profile = connection.source.profile;
    return deps.credentials.profile({
      profile,
      viaRole:
        deps.profiles.list().profiles.find((p) => p.name === profile)?.kind === 'assume-role',
      sts,
      mfaCodeProvider: (mfaSerial) =>
        deps.mfa.ask({ connectionId: connection.id, connectionName: connection.name, mfaSerial }),
      ignoreCache,
    });
  }
  const { expiresAt } = connection.source;
  return () => {
    const secret = keySecretOf(context, connection);
    return Promise.resolve({
      accessKeyId: secret.accessKeyId,
      secretAccessKey: secret.secretAccessKey,
      ...(secret.sessionToken === undefined ? {} : { sessionToken: secret.sessionToken }),
      ...(expiresAt === undefined ? {} : { expiration: new Date(expiresAt) }),
    });
  };
}

/** The connection's provider, built again only when its profiles, source, role or endpoint change. */
export function providerFor(
  context: ConnectionsContext,
  connection: StoredConnection,
): CredentialsProvider {
  const { deps, providers } = context;
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
  const ignoreCache = existing !== undefined || version > 0;
  let provider = guarded(
    context,
    connection,
    signInProvider(context, connection, sts, ignoreCache),
  );
  if (connection.role) {
    // The role's own session is refreshed by assuming it again; only the master can expire
    // for good, and its guard says so before AssumeRole is sent.
    provider = guarded(
      context,
      { ...connection, role: undefined },
      deps.credentials.assumeRole({
        master: provider,
        role: connection.role,
        sts,
        ...(connection.source.kind === 'profile' ? { profile: connection.source.profile } : {}),
      }),
    );
  }
  providers.set(connection.id, { key, provider });
  return provider;
}
