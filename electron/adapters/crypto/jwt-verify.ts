// PS256 verification of a RegisterUsage signature: RSASSA-PSS with SHA-256, MGF1(SHA-256) and a
// 32-byte salt (RFC 7518 PS256; also what Java's SHA256withRSA/PSS in the seller guide uses).
// Never throws: a bad token or a bad key comes back as an error the UI can show.
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { decodeJwt, type DecodedJwt } from '../../../shared/jwt';

export type Ps256Verification =
  | { ok: true; valid: boolean; reason?: string; decoded: DecodedJwt }
  | { ok: false; stage: 'token' | 'key'; error: string };

/** Reads a PEM public key (SPKI, PKCS#1 or a certificate), or a bare base64 SPKI body. */
export function readPublicKey(
  pem: string,
): { ok: true; key: KeyObject } | { ok: false; error: string } {
  const text = pem.trim();
  if (text.length === 0) return { ok: false, error: 'No public key was given.' };
  const armoured = text.includes('-----BEGIN')
    ? text
    : `-----BEGIN PUBLIC KEY-----\n${text.replace(/\s+/g, '')}\n-----END PUBLIC KEY-----`;
  let key: KeyObject;
  try {
    key = createPublicKey(armoured);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `This is not a readable PEM public key (${detail}).` };
  }
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') {
    return {
      ok: false,
      error: `PS256 needs an RSA public key; this is ${key.asymmetricKeyType ?? 'an unknown'} key.`,
    };
  }
  return { ok: true, key };
}

export function verifyPs256(token: string, publicKeyPem: string): Ps256Verification {
  const decoded = decodeJwt(token);
  if (!decoded.ok) return { ok: false, stage: 'token', error: decoded.error };
  const key = readPublicKey(publicKeyPem);
  if (!key.ok) return { ok: false, stage: 'key', error: key.error };
  if (decoded.value.header.alg !== 'PS256') {
    return {
      ok: true,
      valid: false,
      reason: `Only PS256 is accepted; the header says ${JSON.stringify(decoded.value.header.alg)}.`,
      decoded: decoded.value,
    };
  }
  let valid: boolean;
  try {
    valid = verify(
      'sha256',
      new TextEncoder().encode(decoded.value.signingInput),
      { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      decoded.value.signature,
    );
  } catch (error) {
    // e.g. a signature longer than the key's modulus: it cannot be valid for this key.
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: true,
      valid: false,
      reason: `The signature cannot be checked with this key (${detail}).`,
      decoded: decoded.value,
    };
  }
  return valid
    ? { ok: true, valid: true, decoded: decoded.value }
    : {
        ok: true,
        valid: false,
        reason: 'The signature does not match: wrong key (version), or the token was altered.',
        decoded: decoded.value,
      };
}
