// RegisterUsage signatures: PS256 JWTs signed with sandbox RSA keys kept in the data folder, so a
// container test can verify them with the PEM from GET /_sandbox/public-key just as it would with
// the key AWS Marketplace publishes.
import { constants, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './state';

export type SigningKeyVersion = {
  version: number;
  privateKeyPem: string;
  publicKeyPem: string;
  /** Epoch ms when this version was superseded; absent for the current key. */
  rotatedAt?: number;
};

export type RegisterUsageKeys = {
  currentVersion: number;
  versions: SigningKeyVersion[];
};

/** Version 2 is current; version 1 still signs but answers with PublicKeyRotationTimestamp. */
export const CURRENT_KEY_VERSION = 2;
/** Fixed so the rotation timestamp a client sees is stable across restarts. */
export const KEY_V1_ROTATED_AT = Date.UTC(2026, 0, 15, 0, 0, 0);

const FILE = 'register-usage-keys.json';

function generateVersion(version: number, rotatedAt?: number): SigningKeyVersion {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    version,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ...(rotatedAt === undefined ? {} : { rotatedAt }),
  };
}

/** Loads the key pairs from the data folder, creating (and persisting) them on first start. */
export function loadOrCreateKeys(dataDir: string): RegisterUsageKeys {
  const path = join(dataDir, FILE);
  if (existsSync(path)) {
    return JSON.parse(readFileSync(path, 'utf8')) as RegisterUsageKeys;
  }
  const keys: RegisterUsageKeys = {
    currentVersion: CURRENT_KEY_VERSION,
    versions: [generateVersion(1, KEY_V1_ROTATED_AT), generateVersion(CURRENT_KEY_VERSION)],
  };
  writeFileAtomic(path, JSON.stringify(keys, null, 2));
  return keys;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export type RegisterUsagePayload = {
  ProductCode: string;
  PublicKeyVersion: number;
  Nonce?: string;
  /** Issued-at, epoch seconds. */
  iat: number;
};

export function signPs256(privateKeyPem: string, payload: RegisterUsagePayload): string {
  const signingInput = `${base64url(JSON.stringify({ alg: 'PS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: privateKeyPem,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  });
  return `${signingInput}.${base64url(signature)}`;
}

/** Verifies a PS256 JWT; returns the payload or undefined. Used by tests and handy for the app. */
export function verifyPs256(
  publicKeyPem: string,
  jwt: string,
): Record<string, unknown> | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3) return undefined;
  const [header = '', payload = '', signature = ''] = parts;
  const ok = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    {
      key: createPublicKey(publicKeyPem),
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    },
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) return undefined;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
