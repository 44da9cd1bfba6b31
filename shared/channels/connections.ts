// Channels and events of the connections area; shared/contract.ts merges every area's table.
// Nothing here ever carries a secret back to the renderer: a connection is described by its name,
// kind, regions, the last four characters of its key id and its expiry, never by its keys.
import { z } from 'zod';
import type { ChannelTable, EventTable } from './table';

/** AWS region names (us-east-1, eu-central-2, us-gov-west-1, eusc-de-east-1…). */
export const regionSchema = z
  .string()
  .regex(/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/, 'Use an AWS region name such as us-east-1.');

export const roleArnSchema = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    'Use a role ARN such as arn:aws:iam::111122223333:role/MeterdeskOperator.',
  );

/** A role assumed on top of the connection's own credentials (sts:AssumeRole). */
export const roleInputSchema = z
  .object({
    roleArn: roleArnSchema,
    /** Not a secret in AWS's model, but never echoed back: only whether one is set. */
    externalId: z
      .string()
      .min(2)
      .max(1224)
      .regex(/^[\w+=,.@:/-]+$/)
      .optional(),
    sessionName: z
      .string()
      .regex(/^[\w+=,.@-]{2,64}$/, '2 to 64 letters, digits or +=,.@_-')
      .optional(),
    durationSeconds: z.number().int().min(900).max(43_200).optional(),
  })
  .strict();
export type RoleInput = z.infer<typeof roleInputSchema>;

/**
 * Where plain http never leaves this computer: 127.0.0.0/8, ::1 and localhost. Anywhere else a
 * signed request over http could be read or changed on the way, so only https is accepted.
 */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** https anywhere; http only on a loopback address (a local sandbox or emulator). */
export function isAllowedEndpoint(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopbackHostname(url.hostname);
}

export const endpointSchema = z
  .string()
  .max(500)
  .regex(
    /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/,
    'Use a full https:// URL such as https://metering.marketplace.us-east-1.amazonaws.com.',
  )
  .refine(isAllowedEndpoint, {
    message:
      'Use https://. Plain http:// is only accepted on this computer (localhost, 127.0.0.1, [::1]).',
  });

const nameSchema = z.string().trim().min(1, 'Give the connection a name.').max(80);

const regionListSchema = z.array(regionSchema).min(1).max(40);

const accessKeyIdSchema = z
  .string()
  .trim()
  .regex(
    /^(AKIA|ASIA|AIDA|AROA|[A-Z0-9]{4})[A-Z0-9]{12,124}$/,
    'An access key id looks like AKIA… or ASIA….',
  );

/** How a connection signs in: a named AWS profile, or keys pasted into the app. */
export const connectionSourceInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('profile'), profile: z.string().min(1).max(200) }).strict(),
  z
    .object({
      kind: z.literal('keys'),
      accessKeyId: accessKeyIdSchema,
      secretAccessKey: z.string().trim().min(16).max(200),
      sessionToken: z.string().trim().min(16).max(4096).optional(),
      /** Epoch ms when temporary keys stop working, if the user knows it. */
      expiresAt: z.number().int().positive().optional(),
      /**
       * encrypted: kept as safeStorage ciphertext (refused where encryption is unavailable).
       * session: held in memory for this run only, never written anywhere.
       */
      storage: z.enum(['encrypted', 'session']),
    })
    .strict(),
]);

export const addConnectionInputSchema = z
  .object({
    name: nameSchema,
    source: connectionSourceInputSchema,
    region: regionSchema,
    /** Regions to work across; the default region is always one of them. */
    regions: regionListSchema.optional(),
    role: roleInputSchema.optional(),
    endpoint: endpointSchema.optional(),
  })
  .strict();
export type AddConnectionInput = z.infer<typeof addConnectionInputSchema>;

/**
 * The keys of a keys connection, typed again: required to change where its requests go (the
 * endpoint), so nobody at an unlocked screen can send the saved keys' signatures elsewhere.
 */
export const reenteredKeysSchema = z
  .object({
    accessKeyId: accessKeyIdSchema,
    secretAccessKey: z.string().trim().min(16).max(200),
    sessionToken: z.string().trim().min(16).max(4096).optional(),
  })
  .strict();
export type ReenteredKeys = z.infer<typeof reenteredKeysSchema>;

export const updateConnectionInputSchema = z
  .object({
    id: z.string().min(1).max(200),
    name: nameSchema.optional(),
    region: regionSchema.optional(),
    regions: regionListSchema.optional(),
    /** null removes the role. */
    role: roleInputSchema.nullable().optional(),
    /** null removes the custom endpoint. */
    endpoint: endpointSchema.nullable().optional(),
    /** Keys connections: the keys again, with a new endpoint (they replace the saved ones). */
    keys: reenteredKeysSchema.optional(),
  })
  .strict();
export type UpdateConnectionInput = z.infer<typeof updateConnectionInputSchema>;

export const profileKindSchema = z.enum([
  'static',
  'sso',
  'assume-role',
  'credential-process',
  'login-session',
  'web-identity',
  'unknown',
]);
export type ProfileKind = z.infer<typeof profileKindSchema>;

/** A profile of the shared AWS config/credentials files, described without its secrets. */
export const profileInfoSchema = z.object({
  name: z.string(),
  kind: profileKindSchema,
  /** Which files define it. */
  files: z.array(z.enum(['config', 'credentials'])),
  region: z.string().optional(),
  /** SSO: the sso-session block it uses (new style) or its start URL (legacy). */
  ssoSession: z.string().optional(),
  ssoStartUrl: z.string().optional(),
  ssoAccountId: z.string().optional(),
  ssoRoleName: z.string().optional(),
  /** assume-role */
  roleArn: z.string().optional(),
  sourceProfile: z.string().optional(),
  credentialSource: z.string().optional(),
  hasExternalId: z.boolean(),
  mfaSerial: z.string().optional(),
  /** static: the key id's last four characters. */
  keyIdLast4: z.string().optional(),
  /** Why the profile cannot be used as it stands, if it cannot. */
  problem: z.string().optional(),
});
export type ProfileInfo = z.infer<typeof profileInfoSchema>;

export const profileListSchema = z.object({
  configFile: z.string(),
  credentialsFile: z.string(),
  profiles: z.array(profileInfoSchema),
  ssoSessions: z.array(z.string()),
  /** Epoch ms the files were last read. */
  readAt: z.number(),
});
export type ProfileList = z.infer<typeof profileListSchema>;

export const connectionInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['sandbox', 'profile', 'keys']),
  isSandbox: z.boolean(),
  /** Default region. */
  region: z.string(),
  regions: z.array(z.string()),
  accountId: z.string().optional(),
  /** The identity the last self-test saw (ARN), if any. */
  arn: z.string().optional(),
  endpoint: z.string().optional(),
  profile: z.string().optional(),
  profileKind: profileKindSchema.optional(),
  keyIdLast4: z.string().optional(),
  /** keys: encrypted on disk, or for this run only (gone when the app quits). */
  storage: z.enum(['encrypted', 'session']).optional(),
  hasSessionToken: z.boolean().optional(),
  /** Epoch ms when the credentials stop working, where known. */
  expiresAt: z.number().optional(),
  role: z
    .object({
      roleArn: z.string(),
      hasExternalId: z.boolean(),
      sessionName: z.string().optional(),
      durationSeconds: z.number().optional(),
    })
    .optional(),
  /** Why the connection cannot be used right now (e.g. its profile disappeared). */
  problem: z.string().optional(),
});
export type ConnectionInfo = z.infer<typeof connectionInfoSchema>;

export const secretStorageStatusSchema = z.object({
  available: z.boolean(),
  /** Why saving keys is refused, in plain words. */
  reason: z.string().optional(),
});
export type SecretStorageStatus = z.infer<typeof secretStorageStatusSchema>;

export const connectionListSchema = z.object({
  connections: z.array(connectionInfoSchema),
  activeId: z.string(),
  activeRegion: z.string(),
  secretStorage: secretStorageStatusSchema,
});
export type ConnectionList = z.infer<typeof connectionListSchema>;

export const selfTestApiSchema = z.enum([
  'ResolveCustomer',
  'BatchMeterUsage',
  'MeterUsage',
  'LookupEvents',
]);
export type SelfTestApi = z.infer<typeof selfTestApiSchema>;

export const selfTestCellSchema = z.object({
  api: selfTestApiSchema,
  /** The IAM action the API needs, e.g. aws-marketplace:BatchMeterUsage. */
  action: z.string(),
  status: z.enum(['allowed', 'denied', 'error']),
  /** Plain-language reason (every non-allowed cell has one). */
  reason: z.string().optional(),
  hint: z.string().optional(),
  code: z.string().optional(),
  /** How the probe was made, and why it cannot bill. */
  probe: z.string(),
});
export type SelfTestCell = z.infer<typeof selfTestCellSchema>;

export const selfTestResultSchema = z.object({
  connectionId: z.string(),
  testedAt: z.number(),
  identity: z.object({ account: z.string(), arn: z.string(), userId: z.string() }).nullable(),
  identityError: z
    .object({ code: z.string(), message: z.string(), hint: z.string().optional() })
    .optional(),
  regions: z.array(z.object({ region: z.string(), cells: z.array(selfTestCellSchema) })),
});
export type SelfTestResult = z.infer<typeof selfTestResultSchema>;

const idInput = z.object({ id: z.string().min(1).max(200) }).strict();

export const connectionsChannels = {
  'connections:list': { input: z.object({}).strict(), output: connectionListSchema },
  'connections:profiles': { input: z.object({}).strict(), output: profileListSchema },
  'connections:add': { input: addConnectionInputSchema, output: connectionInfoSchema },
  'connections:update': { input: updateConnectionInputSchema, output: connectionInfoSchema },
  'connections:remove': { input: idInput, output: z.object({ removed: z.boolean() }) },
  /** Makes a connection (and optionally one of its regions) the one every screen acts on. */
  'connections:activate': {
    input: z.object({ id: z.string().min(1).max(200), region: regionSchema.optional() }).strict(),
    output: connectionListSchema,
  },
  /** Who am I, and per region which APIs this app uses are permitted (probes that cannot bill). */
  'connections:test': {
    input: z
      .object({ id: z.string().min(1).max(200), regions: z.array(regionSchema).max(40).optional() })
      .strict(),
    output: selfTestResultSchema,
  },
  /** Answers a `connections:mfaRequired` event with the code from the user's device. */
  'connections:mfaAnswer': {
    input: z
      .object({
        requestId: z.string().min(1).max(100),
        code: z
          .string()
          .regex(/^\d{6}$/, 'The MFA code is 6 digits.')
          .optional(),
        cancel: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ accepted: z.boolean() }),
  },
} as const satisfies ChannelTable;

export const mfaRequestSchema = z.object({
  requestId: z.string(),
  connectionId: z.string(),
  connectionName: z.string(),
  /** The MFA device's serial number or ARN. */
  mfaSerial: z.string(),
});
export type MfaRequest = z.infer<typeof mfaRequestSchema>;

export const connectionsEvents = {
  /** A credential resolution is waiting for an MFA code; answer with connections:mfaAnswer. */
  'connections:mfaRequired': mfaRequestSchema,
  /** An MFA request was answered, cancelled or timed out (any window may close its prompt). */
  'connections:mfaSettled': z.object({ requestId: z.string() }),
  /** Connections or the AWS profile files changed: lists should be read again. */
  'connections:changed': z.object({ reason: z.enum(['connections', 'profiles']) }),
} as const satisfies EventTable;
