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

/**
 * AWS documents one RegisterUsage key: public key version 1, distributed as a PEM the seller
 * embeds (the Seller Guide's Java example, PUBLIC_KEY_VERSION = 1). The sandbox starts there;
 * a rotation (POST /_sandbox/public-keys/rotate) exists only to practise PublicKeyRotationTimestamp.
 */
export const DOCUMENTED_KEY_VERSION = 1;

const FILE = 'register-usage-keys.json';

function generateVersion(version: number): SigningKeyVersion {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    version,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * Loads the key pairs from the data folder, creating version 1 on first start. A folder from
 * before keeps its version 1 key pair, with no rotation: its old version 2 and the rotation
 * timestamp it gave version 1 were never part of what AWS documents.
 */
export function loadOrCreateKeys(dataDir: string): RegisterUsageKeys {
  const path = join(dataDir, FILE);
  if (existsSync(path)) {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as RegisterUsageKeys;
    if (stored.currentVersion === DOCUMENTED_KEY_VERSION) return stored;
    const first = stored.versions.find((k) => k.version === DOCUMENTED_KEY_VERSION);
    const keys: RegisterUsageKeys = {
      currentVersion: DOCUMENTED_KEY_VERSION,
      versions: [
        first
          ? {
              version: first.version,
              privateKeyPem: first.privateKeyPem,
              publicKeyPem: first.publicKeyPem,
            }
          : generateVersion(DOCUMENTED_KEY_VERSION),
      ],
    };
    writeFileAtomic(path, JSON.stringify(keys, null, 2));
    return keys;
  }
  const keys: RegisterUsageKeys = {
    currentVersion: DOCUMENTED_KEY_VERSION,
    versions: [generateVersion(DOCUMENTED_KEY_VERSION)],
  };
  writeFileAtomic(path, JSON.stringify(keys, null, 2));
  return keys;
}

/**
 * Supersedes the current key with a new version (in place, persisted): RegisterUsage with the
 * old version still signs with it and answers PublicKeyRotationTimestamp = `now`.
 */
export function rotateKeys(
  dataDir: string,
  keys: RegisterUsageKeys,
  now: number,
): SigningKeyVersion {
  const next = generateVersion(Math.max(...keys.versions.map((k) => k.version)) + 1);
  for (const key of keys.versions) key.rotatedAt ??= now;
  keys.versions.push(next);
  keys.currentVersion = next.version;
  writeFileAtomic(join(dataDir, FILE), JSON.stringify(keys, null, 2));
  return next;
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

/** The claims as the Java verifier example reads them: productCode, publicKeyVersion, nonce. */
export function lowerCamelClaims(payload: RegisterUsagePayload): Record<string, unknown> {
  return {
    productCode: payload.ProductCode,
    publicKeyVersion: payload.PublicKeyVersion,
    ...(payload.Nonce === undefined ? {} : { nonce: payload.Nonce }),
    iat: payload.iat,
  };
}

export function signPs256(
  privateKeyPem: string,
  payload: RegisterUsagePayload | Record<string, unknown>,
): string {
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
