// Adding, changing, removing and activating connections: a profile's name or pasted keys (saved encrypted, or
// kept in memory for this run), regions, role and endpoint; keys are never sent to a new endpoint
// unless typed again.
import type {
  AddConnectionInput,
  ConnectionInfo,
  ConnectionList,
  ReenteredKeys,
  UpdateConnectionInput,
} from '../../../shared/channels/connections';
import { AppError } from '../../../shared/errors';
import type { ConnectionsContext } from './context';
import type { KeySecret, StoredConnection } from './records';
import { sandboxConnectionId } from './types';
import type { ConnectionViews } from './views';

function uniqueRegions(first: string, rest: readonly string[] = []): string[] {
  return [...new Set([first, ...rest])];
}

function keysRequiredError(connection: StoredConnection): AppError {
  const message = `To change where “${connection.name}” sends its requests, type its access key id and secret access key again.`;
  return new AppError('VALIDATION', message, {
    hint: 'The saved keys are never shown; paste them from where you keep them, or add a new connection.',
    details: { issues: [{ path: 'keys', message }] },
  });
}

function secretOf(keys: ReenteredKeys): KeySecret {
  return {
    accessKeyId: keys.accessKeyId,
    secretAccessKey: keys.secretAccessKey,
    ...(keys.sessionToken === undefined ? {} : { sessionToken: keys.sessionToken }),
  };
}

type Editing = { context: ConnectionsContext; views: ConnectionViews };

function addProfile(
  { context, views }: Editing,
  base: Omit<StoredConnection, 'source'>,
  profile: string,
): ConnectionInfo {
  const files = context.deps.profiles.list();
  if (!files.profiles.some((p) => p.name === profile)) {
    throw new AppError(
      'VALIDATION',
      `There is no profile “${profile}” in ${files.configFile} or ${files.credentialsFile}.`,
      { hint: 'Pick one of the profiles listed, or add it to your AWS config first.' },
    );
  }
  const connection: StoredConnection = { ...base, source: { kind: 'profile', profile } };
  context.records.saveStored([...context.records.loadStored(), connection]);
  context.deps.onChange?.();
  return views.infoOf(connection, files);
}

function addKeys(
  { context, views }: Editing,
  base: Omit<StoredConnection, 'source'>,
  source: Extract<AddConnectionInput['source'], { kind: 'keys' }>,
): ConnectionInfo {
  const { deps, records } = context;
  const secret = secretOf(source);
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
    deps.secrets.save(base.id, JSON.stringify(secret));
    records.saveStored([...records.loadStored(), connection]);
  } else {
    records.sessionConnections.set(base.id, connection);
    records.sessionSecrets.set(base.id, secret);
  }
  deps.onChange?.();
  return views.infoOf(connection, deps.profiles.list());
}

function add(editing: Editing, input: AddConnectionInput): ConnectionInfo {
  const { deps } = editing.context;
  const newId = deps.newId ?? (() => globalThis.crypto.randomUUID());
  const base = {
    id: `conn-${newId()}`,
    name: input.name,
    region: input.region,
    regions: uniqueRegions(input.region, input.regions),
    ...(input.role === undefined ? {} : { role: input.role }),
    ...(input.endpoint === undefined ? {} : { endpoint: input.endpoint }),
    createdAt: deps.now(),
  };
  const { source } = input;
  return source.kind === 'profile'
    ? addProfile(editing, base, source.profile)
    : addKeys(editing, base, source);
}

/** Saves keys typed again over the connection's own, where its keys live. */
function replaceKeys(
  { deps, records }: ConnectionsContext,
  connection: StoredConnection,
  keys: ReenteredKeys,
): StoredConnection {
  if (connection.source.kind !== 'keys') {
    throw new AppError('VALIDATION', `“${connection.name}” signs in with a profile, not keys.`);
  }
  const secret = secretOf(keys);
  if (connection.source.storage === 'encrypted') {
    deps.secrets.save(connection.id, JSON.stringify(secret));
  } else {
    records.sessionSecrets.set(connection.id, secret);
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

/** The default region and the regions after an edit: the default is always among the regions. */
function regionsAfter(
  current: StoredConnection,
  input: UpdateConnectionInput,
): Pick<StoredConnection, 'region' | 'regions'> {
  let region = input.region ?? current.region;
  const regions = input.regions ?? current.regions;
  if (input.regions !== undefined && input.region === undefined && !regions.includes(region)) {
    region = regions[0] ?? region;
  }
  return { region, regions: uniqueRegions(region, regions) };
}

function update({ context, views }: Editing, input: UpdateConnectionInput): ConnectionInfo {
  if (input.id === sandboxConnectionId) {
    throw new AppError('VALIDATION', 'The built-in Sandbox connection cannot be changed.');
  }
  const current = context.records.byId(input.id);
  const endpointChanges =
    input.endpoint !== undefined && (input.endpoint ?? undefined) !== current.endpoint;
  // Saved keys are not sent anywhere new on the say-so of whoever sits at the screen.
  if (endpointChanges && current.source.kind === 'keys' && input.keys === undefined) {
    throw keysRequiredError(current);
  }
  const next: StoredConnection = {
    ...(input.keys === undefined ? current : replaceKeys(context, current, input.keys)),
    name: input.name ?? current.name,
    ...regionsAfter(current, input),
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
  context.records.replace(next);
  context.providers.delete(next.id);
  context.deps.onChange?.();
  return views.infoOf(next, context.deps.profiles.list());
}

function remove(
  { deps, records, providers, expirations }: ConnectionsContext,
  id: string,
): boolean {
  if (id === sandboxConnectionId) {
    throw new AppError('VALIDATION', 'The built-in Sandbox connection cannot be removed.');
  }
  const stored = records.loadStored();
  const inStore = stored.some((connection) => connection.id === id);
  const inSession = records.sessionConnections.delete(id);
  records.sessionSecrets.delete(id);
  if (!inStore && !inSession) return false;
  if (inStore) {
    records.saveStored(stored.filter((connection) => connection.id !== id));
    deps.secrets.remove(id);
  }
  providers.delete(id);
  expirations.delete(id);
  if (deps.settings.get().activeConnectionId === id) {
    deps.settings.set({ activeConnectionId: sandboxConnectionId, activeRegion: '' });
  }
  deps.onChange?.();
  return true;
}

function recordIdentity(
  { deps, records }: ConnectionsContext,
  id: string,
  identity: { accountId: string; arn: string },
): void {
  if (id === sandboxConnectionId) return;
  const current = records.byId(id);
  if (current.accountId === identity.accountId && current.arn === identity.arn) return;
  records.replace({ ...current, accountId: identity.accountId, arn: identity.arn });
  deps.onChange?.();
}

function activate({ context, views }: Editing, id: string, region?: string): ConnectionList {
  const connection = views.get(id);
  if (region !== undefined && !connection.regions.includes(region)) {
    throw new AppError(
      'VALIDATION',
      `${region} is not one of the regions of “${connection.name}” (${connection.regions.join(', ')}).`,
      { hint: 'Add the region to the connection first.' },
    );
  }
  context.deps.settings.set({ activeConnectionId: id, activeRegion: region ?? '' });
  return views.details();
}

export function createConnectionEditing(context: ConnectionsContext, views: ConnectionViews) {
  const editing: Editing = { context, views };
  return {
    add: (input: AddConnectionInput) => add(editing, input),
    update: (input: UpdateConnectionInput) => update(editing, input),
    remove: (id: string) => remove(context, id),
    activate: (id: string, region?: string) => activate(editing, id, region),
    recordIdentity: (id: string, identity: { accountId: string; arn: string }) =>
      recordIdentity(context, id, identity),
  };
}
