// RegisterUsage answers with a Signature that is a JWT (PS256). Decoding and the echo check are
// pure so the renderer can show them; the signature check needs node:crypto and lives in main
// (electron/adapters/crypto/jwt-verify.ts).

export type DecodedJwt = {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `<header>.<payload>` exactly as received: the bytes the signature covers. */
  signingInput: string;
  signature: Uint8Array;
  /** The token after trimming (and after taking it out of a pasted RegisterUsage response). */
  token: string;
  /** Not errors, but worth showing (e.g. an alg other than PS256). */
  warnings: string[];
};

export type JwtDecodeResult = { ok: true; value: DecodedJwt } | { ok: false; error: string };

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Decodes base64url (padding optional); undefined when the text is not base64url. */
export function base64UrlDecode(text: string): Uint8Array | undefined {
  const unpadded = text.replace(/=+$/, '');
  if (!BASE64URL.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  const base64 = unpadded.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

function decodeJsonPart(
  part: string,
  name: 'header' | 'payload',
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  const bytes = base64UrlDecode(part);
  if (bytes === undefined) {
    return { ok: false, error: `The ${name} is not base64url (only A-Z a-z 0-9 - _ are allowed).` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return {
      ok: false,
      error: `The ${name} decodes, but not to JSON: the token is damaged or cut.`,
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, error: `The ${name} is JSON but not an object.` };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}

/** Takes the Signature out of a pasted RegisterUsage response, or returns the text trimmed. */
function unwrapToken(input: string): string {
  const trimmed = input.trim().replace(/^["']|["']$/g, '');
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (typeof parsed === 'object' && parsed !== null && 'Signature' in parsed) {
      const signature = parsed.Signature;
      if (typeof signature === 'string') return signature.trim();
    }
  } catch {
    // Not a response document: decode the text as it is and let that report the problem.
  }
  return trimmed;
}

export function decodeJwt(input: string): JwtDecodeResult {
  const token = unwrapToken(input);
  if (token.length === 0) return { ok: false, error: 'The signature is empty.' };
  const parts = token.split('.');
  if (parts.length !== 3) {
    return {
      ok: false,
      error: `A JWT has three parts separated by dots (header.payload.signature); this has ${parts.length}.`,
    };
  }
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJsonPart(headerPart, 'header');
  if (!header.ok) return header;
  const payload = decodeJsonPart(payloadPart, 'payload');
  if (!payload.ok) return payload;
  const signature = base64UrlDecode(signaturePart);
  if (signature === undefined) return { ok: false, error: 'The signature part is not base64url.' };
  if (signature.length === 0) return { ok: false, error: 'The signature part is empty.' };
  const warnings: string[] = [];
  if (header.value.alg !== 'PS256') {
    warnings.push(
      `The header says alg ${JSON.stringify(header.value.alg)}; RegisterUsage signs with PS256.`,
    );
  }
  return {
    ok: true,
    value: {
      header: header.value,
      payload: payload.value,
      signingInput: `${headerPart}.${payloadPart}`,
      signature,
      token,
      warnings,
    },
  };
}

export type EchoExpectation = {
  productCode: string;
  publicKeyVersion: number;
  /** Omit when no nonce was sent; the payload's nonce is then shown but not judged. */
  nonce?: string;
};

export type ClaimName = 'ProductCode' | 'PublicKeyVersion' | 'Nonce';

/**
 * The two spellings AWS documents for each claim (AWS-FACTS §0.1): the Seller Guide's example
 * payload is PascalCase, AWS's own Java verifier example reads lowerCamel. Both are accepted.
 */
const CLAIM_SPELLINGS: Record<ClaimName, { pascal: string; camel: string }> = {
  ProductCode: { pascal: 'ProductCode', camel: 'productCode' },
  PublicKeyVersion: { pascal: 'PublicKeyVersion', camel: 'publicKeyVersion' },
  Nonce: { pascal: 'Nonce', camel: 'nonce' },
};

/** Which spelling the payload used: one form, both (mixed), or none of the claims at all. */
export type ClaimCasing = 'PascalCase' | 'lowerCamel' | 'mixed' | 'none';

/** A claim in either spelling, with the key it was found under. */
export function readClaim(
  payload: Record<string, unknown>,
  claim: ClaimName,
): { key: string; value: unknown } | undefined {
  const { pascal, camel } = CLAIM_SPELLINGS[claim];
  for (const key of [pascal, camel]) {
    const value = payload[key];
    if (value !== undefined && value !== null) return { key, value };
  }
  return undefined;
}

export function claimCasing(payload: Record<string, unknown>): ClaimCasing {
  const spellings = Object.values(CLAIM_SPELLINGS);
  const pascal = spellings.some((s) => payload[s.pascal] !== undefined);
  const camel = spellings.some((s) => payload[s.camel] !== undefined);
  if (pascal && camel) return 'mixed';
  if (pascal) return 'PascalCase';
  return camel ? 'lowerCamel' : 'none';
}

/** The key version a token names (either spelling; "1" counts as 1), if it names a whole one. */
export function publicKeyVersionOf(payload: Record<string, unknown>): number | undefined {
  const claim = readClaim(payload, 'PublicKeyVersion');
  const version = typeof claim?.value === 'string' ? Number(claim.value) : claim?.value;
  return typeof version === 'number' && Number.isInteger(version) && version >= 1
    ? version
    : undefined;
}

export type EchoField = {
  field: ClaimName;
  expected?: string | number;
  actual?: unknown;
  /** The payload key the value was read from, e.g. productCode. */
  receivedAs?: string;
  result: 'match' | 'mismatch' | 'missing' | 'not-checked';
};

export type EchoCheck = {
  /** Every checked field matched. */
  ok: boolean;
  fields: EchoField[];
  /** The spelling of the claims the payload carried. */
  casing: ClaimCasing;
  /** `iat` as an ISO timestamp, when present and numeric. */
  issuedAt?: string;
};

function compare(
  field: ClaimName,
  expected: string | number | undefined,
  payload: Record<string, unknown>,
): EchoField {
  const claim = readClaim(payload, field);
  const received = claim === undefined ? {} : { receivedAs: claim.key };
  if (expected === undefined)
    return { field, actual: claim?.value, ...received, result: 'not-checked' };
  if (claim === undefined) return { field, expected, result: 'missing' };
  // Tolerate a version sent as "1" rather than 1: the meaning is the same.
  const same =
    typeof expected === 'number' ? Number(claim.value) === expected : claim.value === expected;
  return { field, expected, actual: claim.value, ...received, result: same ? 'match' : 'mismatch' };
}

/** Does the payload echo what this caller sent to RegisterUsage? */
export function checkEcho(payload: Record<string, unknown>, expected: EchoExpectation): EchoCheck {
  const fields = [
    compare('ProductCode', expected.productCode, payload),
    compare('PublicKeyVersion', expected.publicKeyVersion, payload),
    compare('Nonce', expected.nonce, payload),
  ];
  const iat = payload.iat;
  return {
    ok: fields.every((field) => field.result === 'match' || field.result === 'not-checked'),
    fields,
    casing: claimCasing(payload),
    ...(typeof iat === 'number' && Number.isFinite(iat)
      ? { issuedAt: new Date(iat * 1000).toISOString() }
      : {}),
  };
}
