// The admin API's identity makers: keys (`POST /_sandbox/credentials`) and roles
// (`POST /_sandbox/roles`). Validates the JSON body and throws an Error whose message the admin
// API returns as a 400.
import { randomBytes } from 'node:crypto';
import type { SandboxState } from './state';
import type { SandboxCredential, SandboxRole, SandboxWorkload } from './types';
import { WORKLOAD_KINDS, workloadRoleName } from './workload';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseWorkload(value: unknown): SandboxWorkload | undefined {
  if (value === undefined || value === null) return undefined;
  const kind = isRecord(value) ? WORKLOAD_KINDS.find((k) => k === value.kind) : undefined;
  if (!isRecord(value) || !kind) {
    throw new Error(`workload needs a kind: one of ${WORKLOAD_KINDS.join(', ')}.`);
  }
  if (typeof value.id !== 'string' || !/^[\w.:-]{1,128}$/.test(value.id)) {
    throw new Error('workload.id must be 1-128 of letters, digits and . : _ -.');
  }
  if (value.region !== undefined && typeof value.region !== 'string') {
    throw new Error('workload.region must be a region name.');
  }
  return {
    kind,
    id: value.id,
    ...(typeof value.region === 'string' ? { region: value.region } : {}),
  };
}

/**
 * Adds a key: `{accountId?, userName?, temporary?, expiresInSeconds?, workload?}`. Temporary keys
 * are STS-style (ASIA…, session token, expiry, AssumedRole identity). A `workload` ({kind, id,
 * region?}) makes the role session of an EC2 instance, ECS task or EKS pod, named after it, as
 * AWS names instance and task role sessions; MeterUsage and RegisterUsage then see that workload.
 */
export function addCredential(
  state: SandboxState,
  input: Record<string, unknown>,
): SandboxCredential {
  const world = state.world;
  const accountId = typeof input.accountId === 'string' ? input.accountId : world.sellerAccountId;
  if (!/^\d{12}$/.test(accountId)) throw new Error('accountId must be 12 digits.');
  const workload = parseWorkload(input.workload);
  const temporary = input.temporary === true || workload !== undefined;
  const name =
    workload?.id ??
    (typeof input.userName === 'string' && input.userName !== ''
      ? input.userName
      : temporary
        ? 'sandbox-session'
        : `sandbox-user-${randomBytes(3).toString('hex')}`);
  const suffix = randomBytes(10).toString('hex').toUpperCase().slice(0, 16);
  const secretAccessKey = randomBytes(30).toString('base64').slice(0, 40);
  const expiresIn = typeof input.expiresInSeconds === 'number' ? input.expiresInSeconds : 3600;
  const role = workload ? workloadRoleName(workload.kind) : 'MeterdeskSandboxRole';
  const credential: SandboxCredential = temporary
    ? {
        accessKeyId: `ASIA${suffix}`,
        secretAccessKey,
        type: 'AssumedRole',
        userName: name,
        arn: `arn:aws:sts::${accountId}:assumed-role/${role}/${name}`,
        accountId,
        principalId: `AROA${randomBytes(8).toString('hex').toUpperCase()}:${name}`,
        sessionToken: randomBytes(48).toString('base64'),
        // STS keys expire on the real clock, as SigV4 checks them.
        expiresAt: Date.now() + expiresIn * 1000,
        ...(workload ? { workload } : {}),
      }
    : {
        accessKeyId: `AKIA${suffix}`,
        secretAccessKey,
        type: 'IAMUser',
        userName: name,
        arn: `arn:aws:iam::${accountId}:user/${name}`,
        accountId,
        principalId: `AIDA${randomBytes(8).toString('hex').toUpperCase()}`,
      };
  state.addCredential(credential);
  return credential;
}

/**
 * Adds a role AssumeRole can hand out: `{roleName, accountId?, externalId?, mfaRequired?,
 * maxSessionDurationSeconds?}`.
 */
export function addRole(state: SandboxState, input: Record<string, unknown>): SandboxRole {
  const { roleName, externalId, mfaRequired, maxSessionDurationSeconds } = input;
  if (typeof roleName !== 'string' || !/^[\w+=,.@-]{1,64}$/.test(roleName)) {
    throw new Error('roleName is required (1-64 of letters, digits and +=,.@_-).');
  }
  const accountId =
    typeof input.accountId === 'string' ? input.accountId : state.world.sellerAccountId;
  if (!/^\d{12}$/.test(accountId)) throw new Error('accountId must be 12 digits.');
  if (externalId !== undefined && (typeof externalId !== 'string' || externalId.length < 2)) {
    throw new Error('externalId must be a string of at least 2 characters.');
  }
  const maxSession = maxSessionDurationSeconds ?? 3600;
  if (typeof maxSession !== 'number' || maxSession < 900 || maxSession > 43_200) {
    throw new Error('maxSessionDurationSeconds must be between 900 and 43200.');
  }
  const role: SandboxRole = {
    roleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
    roleName,
    accountId,
    roleId: `AROA${randomBytes(8).toString('hex').toUpperCase()}`,
    maxSessionDurationSeconds: maxSession,
    ...(typeof externalId === 'string' ? { externalId } : {}),
    ...(mfaRequired === true ? { mfaRequired: true } : {}),
  };
  state.addRole(role);
  return role;
}
