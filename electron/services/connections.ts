// Connections the app can act on. For now the built-in Sandbox; AWS profiles and pasted keys
// join it in the Connections phase. The active one is remembered in settings.
import type { ConnectionSummary } from '../../shared/contract';
import { AppError } from '../../shared/errors';

export const sandboxConnectionId = 'sandbox';

export type SandboxEndpoint = {
  endpoint: string;
  region: string;
  accountId: string;
};

export type ConnectionsService = {
  list: () => ConnectionSummary[];
  active: () => ConnectionSummary | null;
  get: (id: string) => ConnectionSummary;
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

  return { list, active, get };
}
