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

export type EchoField = {
  field: 'ProductCode' | 'PublicKeyVersion' | 'Nonce';
  expected?: string | number;
  actual?: unknown;
  result: 'match' | 'mismatch' | 'missing' | 'not-checked';
};

export type EchoCheck = {
  /** Every checked field matched. */
  ok: boolean;
  fields: EchoField[];
  /** `iat` as an ISO timestamp, when present and numeric. */
  issuedAt?: string;
};

function compare(
  field: EchoField['field'],
  expected: string | number | undefined,
  payload: Record<string, unknown>,
): EchoField {
  const actual = payload[field];
  if (expected === undefined) return { field, actual, result: 'not-checked' };
  if (actual === undefined || actual === null) return { field, expected, result: 'missing' };
  // Tolerate a version sent as "1" rather than 1: the meaning is the same.
  const same = typeof expected === 'number' ? Number(actual) === expected : actual === expected;
  return { field, expected, actual, result: same ? 'match' : 'mismatch' };
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
    ...(typeof iat === 'number' && Number.isFinite(iat)
      ? { issuedAt: new Date(iat * 1000).toISOString() }
      : {}),
  };
}
