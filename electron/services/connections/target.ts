// How every area calls AWS as a connection: the built-in sandbox's fixed keys, or a saved
// connection's endpoint, region and credential provider, after checking that its profile is still
// there and its endpoint still allowed.
import { isAllowedEndpoint } from '../../../shared/channels/connections';
import { AppError } from '../../../shared/errors';
import type { ConnectionsContext } from './context';
import { providerFor } from './credentials';
import type { StoredConnection } from './records';
import { sandboxConnectionId, type AwsTarget, type SandboxEndpoint } from './types';
import { summaryOf, type ConnectionViews } from './views';

/** A stored endpoint that breaks today's rule (an older version, a hand-edited file) is not used. */
function checkStoredEndpoint(connection: StoredConnection): void {
  if (connection.endpoint === undefined || isAllowedEndpoint(connection.endpoint)) return;
  throw new AppError(
    'VALIDATION',
    `The endpoint of “${connection.name}” (${connection.endpoint}) is plain http off this computer; nothing was sent.`,
    { hint: 'Edit the connection and use an https:// endpoint.', retryable: false },
  );
}

function checkProfileStillThere({ deps }: ConnectionsContext, connection: StoredConnection): void {
  if (connection.source.kind !== 'profile') return;
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

function sandboxTarget(sandbox: SandboxEndpoint, region: string | undefined): AwsTarget {
  return {
    connectionId: sandboxConnectionId,
    region: region ?? sandbox.region,
    endpoint: sandbox.endpoint,
    credentials: {
      accessKeyId: sandbox.accessKeyId,
      secretAccessKey: sandbox.secretAccessKey,
    },
    isSandbox: true,
  };
}

export function createTargets(context: ConnectionsContext, views: ConnectionViews) {
  return function target(id: string, region?: string): AwsTarget {
    const isActive = views.activeBase()?.id === id;
    if (id === sandboxConnectionId) {
      const sandbox = context.deps.sandbox();
      if (sandbox) return sandboxTarget(sandbox, region);
    }
    const connection = context.records.byId(id);
    checkProfileStillThere(context, connection);
    checkStoredEndpoint(connection);
    const summary = summaryOf(connection);
    return {
      connectionId: id,
      region: region ?? (isActive ? views.activeRegionOf(summary) : connection.region),
      ...(connection.endpoint === undefined ? {} : { endpoint: connection.endpoint }),
      credentials: providerFor(context, connection),
      ...(connection.source.kind === 'profile' ? { profile: connection.source.profile } : {}),
      isSandbox: false,
    };
  };
}
