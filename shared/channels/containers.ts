// Channels and events of the containers area; shared/contract.ts merges every area's table.
// RegisterUsage normally runs inside the buyer's container, with the buyer's role; these
// channels let the seller's staff try it with the active connection. (MeterUsage from the
// Containers screen goes through metering:submit, so it is journaled like every submission.)
import { z } from 'zod';
import { NONCE_MAX, PRODUCT_CODE_PATTERN } from '../aws/metering-rules';
import { billingConfirmationSchema } from '../billing-confirmation';
import type { ChannelTable, EventTable } from './table';

export const productCodeSchema = z
  .string()
  .min(1, 'Enter the product code')
  .max(255, 'At most 255 characters')
  .regex(PRODUCT_CODE_PATTERN, 'Only letters, digits and - / = : _ . @');

export const registerUsageInputSchema = z
  .object({
    productCode: productCodeSchema,
    publicKeyVersion: z
      .number({ error: 'Enter a whole number, 1 or more' })
      .int('Enter a whole number, 1 or more')
      .min(1, 'Enter a whole number, 1 or more')
      .max(2_147_483_647, 'Too large'),
    nonce: z.string().max(NONCE_MAX, `At most ${NONCE_MAX} characters`).optional(),
  })
  .strict();
export type RegisterUsageInput = z.infer<typeof registerUsageInputSchema>;

export const echoFieldSchema = z.object({
  field: z.enum(['ProductCode', 'PublicKeyVersion', 'Nonce']),
  expected: z.union([z.string(), z.number()]).optional(),
  actual: z.unknown().optional(),
  /** The payload key the value was read from (ProductCode or productCode…). */
  receivedAs: z.string().optional(),
  result: z.enum(['match', 'mismatch', 'missing', 'not-checked']),
});

export const echoCheckSchema = z.object({
  ok: z.boolean(),
  fields: z.array(echoFieldSchema),
  /** PascalCase (the Seller Guide's example) or lowerCamel (AWS's Java verifier example). */
  casing: z.enum(['PascalCase', 'lowerCamel', 'mixed', 'none']),
  issuedAt: z.string().optional(),
});
export type EchoCheckResult = z.infer<typeof echoCheckSchema>;

export const keyRotationSchema = z.object({
  /** ISO time AWS says the key version was superseded. */
  rotatedAt: z.string(),
  explanation: z.string(),
});

export const registerUsageResultSchema = z.object({
  request: registerUsageInputSchema,
  calledAt: z.string(),
  connectionName: z.string(),
  signature: z.string(),
  /** Present only when the key version sent has been superseded. */
  rotation: keyRotationSchema.optional(),
  header: z.record(z.string(), z.unknown()).optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
  decodeError: z.string().optional(),
  warnings: z.array(z.string()),
  echo: echoCheckSchema.optional(),
});
export type RegisterUsageResult = z.infer<typeof registerUsageResultSchema>;

/** A RegisterUsage public key: AWS Marketplace gives one PEM per key version (version 1 today). */
export const publicKeyEntrySchema = z
  .object({
    version: z
      .number({ error: 'Enter the key version, a whole number, 1 or more' })
      .int('Enter the key version, a whole number, 1 or more')
      .min(1, 'Enter the key version, a whole number, 1 or more')
      .max(2_147_483_647, 'Too large'),
    pem: z.string().min(1, 'Paste the public key (PEM)').max(100_000),
  })
  .strict();
export type PublicKeyEntry = z.infer<typeof publicKeyEntrySchema>;

export const verifySignatureInputSchema = z
  .object({
    signature: z.string().min(1, 'Paste the Signature').max(100_000),
    /** The keys the user has, one per version; the token's own PublicKeyVersion picks one. */
    publicKeys: z
      .array(publicKeyEntrySchema)
      .min(1, 'Add the public key (PEM)')
      .max(10, 'At most 10 key versions')
      .refine(
        (keys) => new Set(keys.map((k) => k.version)).size === keys.length,
        'One key per version',
      ),
    expected: registerUsageInputSchema.optional(),
  })
  .strict();

export const verifySignatureResultSchema = z.object({
  /** The signature is a PS256 signature of this header and payload by this key. */
  valid: z.boolean(),
  /** Why not, in plain words (also set when the token or key could not be read). */
  reason: z.string().optional(),
  /** no-key: the token names a key version the user gave no key for. */
  stage: z.enum(['token', 'key', 'no-key', 'signature']).optional(),
  /** The PublicKeyVersion the token names (either claim casing); the key used was this one's. */
  keyVersion: z.number().int().optional(),
  /** The spelling of the token's claims. */
  casing: z.enum(['PascalCase', 'lowerCamel', 'mixed', 'none']).optional(),
  header: z.record(z.string(), z.unknown()).optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
  echo: echoCheckSchema.optional(),
});
export type VerifySignatureResult = z.infer<typeof verifySignatureResultSchema>;

/** The MeterUsage form's fields, validated as the user types (main validates again). */
export const meterUsageRecordSchema = z.object({
  productId: z.string().min(1, 'Choose an AMI or container product'),
  dimension: z.string().min(1, 'Choose the dimension').max(255, 'At most 255 characters'),
  quantity: z
    .number({ error: 'Enter a whole number' })
    .int('Enter a whole number')
    .min(0, 'Cannot be negative')
    .max(2_147_483_647, 'At most 2,147,483,647'),
  timestamp: z.iso.datetime({ offset: true, error: 'Enter a date and time' }),
});

/** Who the active connection's calls sign as, and what AWS counts for MeterUsage dedup. */
export const callerViewSchema = z.object({
  connectionName: z.string(),
  region: z.string(),
  arn: z.string(),
  account: z.string(),
  kind: z.enum(['role-session', 'iam-user', 'root', 'federated-user', 'other']),
  /** The role session name, the user name… */
  name: z.string(),
  explanation: z.string(),
});
export type CallerView = z.infer<typeof callerViewSchema>;

export const containersChannels = {
  /** STS GetCallerIdentity of the active connection, read as the caller AWS dedups by. */
  'containers:caller': {
    input: z.object({}).strict(),
    output: callerViewSchema,
  },
  /** Calls RegisterUsage with the active connection and decodes the Signature it returns. */
  'containers:register-usage': {
    // Real connections: the typed billing confirmation (shared/billing-confirmation.ts).
    input: registerUsageInputSchema.extend({ confirmation: billingConfirmationSchema.optional() }),
    output: registerUsageResultSchema,
  },
  /** Verifies a RegisterUsage Signature (PS256) against a PEM public key, in main. */
  'containers:verify-signature': {
    input: verifySignatureInputSchema,
    output: verifySignatureResultSchema,
  },
  /** Sandbox connection only: the sandbox's RegisterUsage public key for a version. */
  'sandbox:public-key': {
    input: z.object({ version: z.number().int().min(1).max(1000) }).strict(),
    output: z.object({
      version: z.number().int(),
      current: z.boolean(),
      pem: z.string(),
      rotatedAt: z.string().optional(),
    }),
  },
} as const satisfies ChannelTable;

export const containersEvents = {} as const satisfies EventTable;
