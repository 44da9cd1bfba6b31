// Connections the app can act on. For now the built-in Sandbox; AWS profiles and pasted keys
// join it in the Connections phase. The active one is remembered in settings.
import type { ConnectionSummary } from '../../shared/contract';
import { AppError } from '../../shared/errors';

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
};

export type SandboxEndpoint = {
  endpoint: string;
  region: string;
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
};

export type ConnectionsService = {
  list: () => ConnectionSummary[];
  active: () => ConnectionSummary | null;
  get: (id: string) => ConnectionSummary;
  /** How to call AWS as this connection; `region` defaults to the connection's own. */
  target: (id: string, region?: string) => AwsTarget;
};

export function createConnectionsService(deps: {
  sandbox: () => SandboxEndpoint | null;
  activeConnectionId: () => string;
}): ConnectionsService {
  function sandboxSummary(): ConnectionSummary | null {
    const sandbox = deps.sandbox();
    if (!sandbox) return null;
    return {
      id: sandboxConnectionId,
      name: 'Sandbox',
      kind: 'sandbox',
      isSandbox: true,
      region: sandbox.region,
      regions: [sandbox.region],
      accountId: sandbox.accountId,
      endpoint: sandbox.endpoint,
    };
  }

  function list(): ConnectionSummary[] {
    const sandbox = sandboxSummary();
    return sandbox ? [sandbox] : [];
  }

  function get(id: string): ConnectionSummary {
    const found = list().find((connection) => connection.id === id);
    if (!found) throw new AppError('NOT_FOUND', `No connection with id "${id}".`);
    return found;
  }

  function active(): ConnectionSummary | null {
    const all = list();
    return all.find((connection) => connection.id === deps.activeConnectionId()) ?? all[0] ?? null;
  }

  function target(id: string, region?: string): AwsTarget {
    const connection = get(id);
    const sandbox = deps.sandbox();
    if (connection.kind === 'sandbox' && sandbox) {
      return {
        connectionId: id,
        region: region ?? sandbox.region,
        endpoint: sandbox.endpoint,
        credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey },
      };
    }
    throw new AppError(
      'CREDENTIALS_MISSING',
      `Connection "${connection.name}" has no credentials.`,
    );
  }

  return { list, active, get, target };
}
