// What the add and edit forms hold (text, as typed) and how it becomes the input the core's
// schema checks. Pure, so the forms stay small and the rules are easy to test.
import type { z } from 'zod';
import type { ConnectionInfo } from '../../../../shared/channels/connections';

/** The settings every connection has beyond how it signs in: regions, a role on top, endpoint. */
export type TargetSettingsDraft = {
  region: string;
  regions: string;
  roleArn: string;
  externalId: string;
  sessionName: string;
  durationSeconds: string;
  endpoint: string;
};

export type AddDraft = TargetSettingsDraft & {
  name: string;
  sourceKind: 'profile' | 'keys';
  profile: string;
  accessKeyId: string;
  expiresAt: string;
};

export type EditDraft = TargetSettingsDraft & { name: string };

export const emptyAddDraft: AddDraft = {
  name: '',
  sourceKind: 'profile',
  profile: '',
  accessKeyId: '',
  expiresAt: '',
  region: 'us-east-1',
  regions: '',
  roleArn: '',
  externalId: '',
  sessionName: '',
  durationSeconds: '',
  endpoint: '',
};

/** "us-west-2, eu-west-1" → the region list. */
export function splitRegions(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter((r) => r !== '');
}

type RoleInput = {
  roleArn: string;
  externalId?: string;
  sessionName?: string;
  durationSeconds?: number;
};

function roleOf(draft: TargetSettingsDraft): RoleInput | undefined {
  const roleArn = draft.roleArn.trim();
  if (roleArn === '') return undefined;
  return {
    roleArn,
    ...(draft.externalId.trim() === '' ? {} : { externalId: draft.externalId.trim() }),
    ...(draft.sessionName.trim() === '' ? {} : { sessionName: draft.sessionName.trim() }),
    ...(draft.durationSeconds.trim() === ''
      ? {}
      : { durationSeconds: Number(draft.durationSeconds) }),
  };
}

/**
 * The connections:add input. The secrets are passed in (they live in uncontrolled inputs, never
 * in the draft); `expiresAt` is a UTC wall-clock time from a datetime-local input.
 */
export function buildAddInput(
  draft: AddDraft,
  storage: 'encrypted' | 'session',
  secret: string,
  token: string,
): unknown {
  const regions = splitRegions(draft.regions);
  const role = roleOf(draft);
  const source =
    draft.sourceKind === 'profile'
      ? { kind: 'profile', profile: draft.profile }
      : {
          kind: 'keys',
          accessKeyId: draft.accessKeyId.trim(),
          secretAccessKey: secret,
          ...(token === '' ? {} : { sessionToken: token }),
          ...(draft.expiresAt === '' ? {} : { expiresAt: Date.parse(`${draft.expiresAt}Z`) }),
          storage,
        };
  return {
    name: draft.name,
    source,
    region: draft.region.trim(),
    ...(regions.length === 0 ? {} : { regions }),
    ...(role === undefined ? {} : { role }),
    ...(draft.endpoint.trim() === '' ? {} : { endpoint: draft.endpoint.trim() }),
  };
}

/** The connection's non-secret settings as the edit form shows them. */
export function editDraftOf(connection: ConnectionInfo): EditDraft {
  return {
    name: connection.name,
    region: connection.region,
    regions: connection.regions.filter((r) => r !== connection.region).join(', '),
    roleArn: connection.role?.roleArn ?? '',
    // Never echoed back by the core: only whether one is set.
    externalId: '',
    sessionName: connection.role?.sessionName ?? '',
    durationSeconds:
      connection.role?.durationSeconds !== undefined ? String(connection.role.durationSeconds) : '',
    endpoint: connection.endpoint ?? '',
  };
}

/** The endpoint as connections:update takes it: null removes it, undefined leaves it alone. */
export function endpointChangeOf(
  connection: ConnectionInfo,
  draft: EditDraft,
): string | null | undefined {
  const endpoint = draft.endpoint.trim();
  if (endpoint === '') return connection.endpoint !== undefined ? null : undefined;
  return endpoint === connection.endpoint ? undefined : endpoint;
}

/** A keys connection sends its saved keys nowhere new unless they are typed again. */
export function needsKeysAgain(connection: ConnectionInfo, draft: EditDraft): boolean {
  return connection.kind === 'keys' && endpointChangeOf(connection, draft) !== undefined;
}

/** The keys typed again (secrets read from their uncontrolled inputs). */
export type ReenteredKeysDraft = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
};

/**
 * The connections:update input: only what changed besides name and regions. An emptied role or
 * endpoint is sent as null (remove it); an unchanged role is left out, so its stored external id
 * (never shown) is kept. `keys` go with it when the endpoint of a keys connection changes.
 */
export function buildUpdateInput(
  connection: ConnectionInfo,
  draft: EditDraft,
  keys?: ReenteredKeysDraft,
): unknown {
  const initial = editDraftOf(connection);
  const region = draft.region.trim();
  const roleArn = draft.roleArn.trim();
  const roleUnchanged =
    connection.role !== undefined &&
    roleArn === initial.roleArn &&
    draft.sessionName.trim() === initial.sessionName &&
    draft.durationSeconds.trim() === initial.durationSeconds &&
    draft.externalId.trim() === '';
  const role =
    roleArn === ''
      ? connection.role
        ? null
        : undefined
      : roleUnchanged
        ? undefined
        : roleOf(draft);
  const endpointChange = endpointChangeOf(connection, draft);
  const sendKeys = keys !== undefined && needsKeysAgain(connection, draft);
  return {
    id: connection.id,
    name: draft.name,
    region,
    // Always the whole list, default first: leaving "other regions" empty removes them.
    regions: [region, ...splitRegions(draft.regions)],
    ...(role === undefined ? {} : { role }),
    ...(endpointChange === undefined ? {} : { endpoint: endpointChange }),
    ...(sendKeys
      ? {
          keys: {
            accessKeyId: keys.accessKeyId.trim(),
            secretAccessKey: keys.secretAccessKey,
            ...(keys.sessionToken.trim() === '' ? {} : { sessionToken: keys.sessionToken }),
          },
        }
      : {}),
  };
}

/**
 * The first problem per field ("name", "source.profile", "role.roleArn"…), from the same schema
 * the core enforces. `skip` drops issues shown elsewhere.
 */
export function issuesByField(
  error: z.ZodError | undefined,
  skip: (path: readonly PropertyKey[]) => boolean = () => false,
): Map<string, string> {
  const errors = new Map<string, string>();
  for (const issue of error?.issues ?? []) {
    if (skip(issue.path)) continue;
    const key = issue.path.filter((p) => typeof p === 'string').join('.');
    if (!errors.has(key)) errors.set(key, issue.message);
  }
  return errors;
}
