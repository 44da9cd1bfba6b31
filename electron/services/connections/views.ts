// How the connections read: summaries for every area, the active connection and region, and the
// details the Connections screen shows (never a secret).
import type {
  ConnectionInfo,
  ConnectionList,
  ProfileList,
} from '../../../shared/channels/connections';
import type { ConnectionSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { ConnectionsContext } from './context';
import type { StoredConnection } from './records';
import { sandboxConnectionId } from './types';

export type ConnectionViews = ReturnType<typeof createConnectionViews>;

export function summaryOf(connection: StoredConnection): ConnectionSummary {
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

/** Where the connection's sign-in comes from: its profile (and the profile's state) or keys. */
function sourceInfo(connection: StoredConnection, profiles: ProfileList): Partial<ConnectionInfo> {
  const info: Partial<ConnectionInfo> = {};
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
  return info;
}

function roleInfo(role: NonNullable<StoredConnection['role']>): ConnectionInfo['role'] {
  return {
    roleArn: role.roleArn,
    hasExternalId: role.externalId !== undefined,
    ...(role.sessionName === undefined ? {} : { sessionName: role.sessionName }),
    ...(role.durationSeconds === undefined ? {} : { durationSeconds: role.durationSeconds }),
  };
}

export function createConnectionViews({ deps, records, expirations }: ConnectionsContext) {
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

  function baseList(): ConnectionSummary[] {
    const sandbox = sandboxSummary();
    return [...(sandbox ? [sandbox] : []), ...records.all().map(summaryOf)];
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

  function infoOf(connection: StoredConnection, profiles: ProfileList): ConnectionInfo {
    const info: ConnectionInfo = {
      ...summaryOf(connection),
      ...(connection.arn === undefined ? {} : { arn: connection.arn }),
      ...sourceInfo(connection, profiles),
    };
    const seen = expirations.get(connection.id);
    if (info.expiresAt === undefined && seen !== undefined) info.expiresAt = seen;
    if (connection.role) info.role = roleInfo(connection.role);
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
    return infoOf(records.byId(id), deps.profiles.list());
  }

  function details(): ConnectionList {
    const profiles = deps.profiles.list();
    const sandbox = sandboxInfo();
    const current = activeBase();
    return {
      connections: [
        ...(sandbox ? [sandbox] : []),
        ...records.all().map((c) => infoOf(c, profiles)),
      ],
      activeId: current?.id ?? '',
      activeRegion: activeRegionOf(current),
      secretStorage: deps.secrets.status(),
    };
  }

  return { list, get, active, activeBase, activeRegionOf, info, infoOf, details };
}
