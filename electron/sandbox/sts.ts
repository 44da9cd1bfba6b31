// STS on the sandbox: GetCallerIdentity and AssumeRole over the AWS query protocol (`POST /`,
// form-encoded `Action=…&Version=2011-06-15`, SigV4 with signing name `sts`), answering with the
// XML documents AWS sends. AssumeRole mints temporary ASIA keys into the credential table, so a
// role session signs metering and CloudTrail calls like any other key until it expires.
import { randomBytes } from 'node:crypto';
import { SandboxApiError } from './errors';
import type { SandboxState } from './state';
import type { SandboxCredential } from './types';

export const STS_VERSION = '2011-06-15';
const STS_NAMESPACE = `https://sts.amazonaws.com/doc/${STS_VERSION}/`;
const MIN_DURATION_SECONDS = 900;
const MAX_DURATION_SECONDS = 43_200;
/** AWS caps a session assumed with role credentials (role chaining) at one hour. */
const CHAINED_MAX_SECONDS = 3600;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export type StsAction = 'GetCallerIdentity' | 'AssumeRole';

export type StsContext = {
  state: SandboxState;
  identity: SandboxCredential;
  /** Wall clock (epoch ms): STS keys expire on the real clock, as SigV4 checks them. */
  wallClock: number;
  requestId: string;
  /** Whether a fault-injected deny rule refuses this action for the caller. */
  denied: (action: string) => boolean;
};

/** The Action of a query-protocol body, or undefined when it names none we know. */
export function stsActionOf(params: URLSearchParams): StsAction | undefined {
  const action = params.get('Action');
  return action === 'GetCallerIdentity' || action === 'AssumeRole' ? action : undefined;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

function envelope(action: StsAction, result: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${STS_NAMESPACE}">\n` +
    `  <${action}Result>\n${result}  </${action}Result>\n` +
    `  <ResponseMetadata>\n    ${element('RequestId', requestId)}\n  </ResponseMetadata>\n` +
    `</${action}Response>\n`
  );
}

/** STS's error document; `Type` is Sender for client faults and Receiver for server faults. */
export function stsErrorXml(error: SandboxApiError, requestId: string): string {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${STS_NAMESPACE}">\n` +
    `  <Error>\n    ${element('Type', type)}\n    ${element('Code', error.code)}\n` +
    `    ${element('Message', error.message)}\n  </Error>\n` +
    `  ${element('RequestId', requestId)}\n` +
    `</ErrorResponse>\n`
  );
}

/**
 * STS names the same authentication failures differently from the JSON services; the SigV4
 * verifier speaks JSON-service names, so they are renamed here.
 */
export function toStsError(error: SandboxApiError): SandboxApiError {
  switch (error.code) {
    case 'UnrecognizedClientException':
      return new SandboxApiError('InvalidClientTokenId', error.message, 403);
    case 'ExpiredTokenException':
      return new SandboxApiError('ExpiredToken', error.message, 400);
    case 'InvalidSignatureException':
      return new SandboxApiError('SignatureDoesNotMatch', error.message, 403);
    case 'MissingAuthenticationTokenException':
      return new SandboxApiError('MissingAuthenticationToken', error.message, 403);
    case 'IncompleteSignatureException':
      return new SandboxApiError('IncompleteSignature', error.message, 400);
    case 'ThrottlingException':
      return new SandboxApiError('Throttling', error.message, 400);
    case 'InternalServiceErrorException':
      return new SandboxApiError('InternalFailure', error.message, 500);
    default:
      return error;
  }
}

function validation(message: string): SandboxApiError {
  return new SandboxApiError('ValidationError', message, 400);
}

function accessDenied(identity: SandboxCredential, roleArn: string): SandboxApiError {
  return new SandboxApiError(
    'AccessDenied',
    `User: ${identity.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    403,
  );
}

function getCallerIdentity(ctx: StsContext): string {
  // No permission is needed: AWS answers GetCallerIdentity even under an explicit deny.
  const { identity } = ctx;
  return envelope(
    'GetCallerIdentity',
    `    ${element('Arn', identity.arn)}\n    ${element('UserId', identity.principalId)}\n` +
      `    ${element('Account', identity.accountId)}\n`,
    ctx.requestId,
  );
}

function assumeRole(ctx: StsContext, params: URLSearchParams): string {
  const { identity, state } = ctx;
  const roleArn = params.get('RoleArn');
  if (roleArn === null || roleArn === '') {
    throw validation(
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
  }
  const sessionName = params.get('RoleSessionName');
  if (sessionName === null || sessionName === '') {
    throw validation(
      "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!SESSION_NAME.test(sessionName)) {
    throw validation(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const durationText = params.get('DurationSeconds');
  const duration = durationText === null ? 3600 : Number(durationText);
  if (!Number.isInteger(duration) || duration < MIN_DURATION_SECONDS) {
    throw validation(
      `1 validation error detected: Value '${durationText ?? ''}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${MIN_DURATION_SECONDS}`,
    );
  }
  if (duration > MAX_DURATION_SECONDS) {
    throw validation(
      `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to ${MAX_DURATION_SECONDS}`,
    );
  }
  const externalId = params.get('ExternalId');
  if (externalId !== null && (externalId.length < 2 || externalId.length > 1224)) {
    throw validation(
      "1 validation error detected: Value at 'externalId' failed to satisfy constraint: Member must have length between 2 and 1224",
    );
  }
  const tokenCode = params.get('TokenCode');
  if (tokenCode !== null && !/^\d{6}$/.test(tokenCode)) {
    throw validation(
      "1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*",
    );
  }

  // AWS answers AccessDenied alike for a missing role, an untrusted caller and a wrong external
  // id, so a caller cannot probe which roles exist.
  const role = state.role(roleArn);
  if (!role || ctx.denied('sts:AssumeRole')) throw accessDenied(identity, roleArn);
  if (role.externalId !== undefined && externalId !== role.externalId) {
    throw accessDenied(identity, roleArn);
  }
  if (role.mfaRequired === true) {
    if (params.get('SerialNumber') === null || tokenCode === null) {
      throw accessDenied(identity, roleArn);
    }
    if (tokenCode === '000000') {
      throw new SandboxApiError(
        'AccessDenied',
        'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
        403,
      );
    }
  }
  if (duration > role.maxSessionDurationSeconds) {
    throw validation(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  if (identity.sessionToken !== undefined && duration > CHAINED_MAX_SECONDS) {
    throw validation(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }

  const expiresAt = Math.floor(ctx.wallClock / 1000) * 1000 + duration * 1000;
  const credential: SandboxCredential = {
    accessKeyId: `ASIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`,
    secretAccessKey: randomBytes(30).toString('base64').slice(0, 40),
    sessionToken: randomBytes(96).toString('base64'),
    expiresAt,
    type: 'AssumedRole',
    userName: sessionName,
    arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${sessionName}`,
    accountId: role.accountId,
    principalId: `${role.roleId}:${sessionName}`,
  };
  state.addCredential(credential);
  // Seconds precision, no milliseconds: the form STS uses.
  const expiration = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return envelope(
    'AssumeRole',
    `    <AssumedRoleUser>\n` +
      `      ${element('AssumedRoleId', credential.principalId)}\n` +
      `      ${element('Arn', credential.arn)}\n` +
      `    </AssumedRoleUser>\n` +
      `    <Credentials>\n` +
      `      ${element('AccessKeyId', credential.accessKeyId)}\n` +
      `      ${element('SecretAccessKey', credential.secretAccessKey)}\n` +
      `      ${element('SessionToken', credential.sessionToken ?? '')}\n` +
      `      ${element('Expiration', expiration)}\n` +
      `    </Credentials>\n`,
    ctx.requestId,
  );
}

/** Answers one authenticated STS call; throws SandboxApiError with STS's codes. */
export function handleSts(action: StsAction, params: URLSearchParams, ctx: StsContext): string {
  const version = params.get('Version');
  if (version !== STS_VERSION) {
    throw new SandboxApiError(
      'InvalidAction',
      `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
      400,
    );
  }
  return action === 'GetCallerIdentity' ? getCallerIdentity(ctx) : assumeRole(ctx, params);
}
