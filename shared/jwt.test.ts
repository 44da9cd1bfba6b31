import { describe, expect, it } from 'vitest';
import {
  base64UrlDecode,
  checkEcho,
  claimCasing,
  decodeJwt,
  publicKeyVersionOf,
  readClaim,
} from './jwt';

/** expect.stringMatching, typed: the matcher object is opaque to the test. */
const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);

const b64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const header = b64url({ alg: 'PS256', typ: 'JWT' });
const payload = b64url({
  ProductCode: 'prod-abc',
  PublicKeyVersion: 1,
  Nonce: 'n-1',
  iat: 1785578400,
});
const token = `${header}.${payload}.c2lnbmF0dXJl`;

describe('decodeJwt', () => {
  it('decodes header, payload, signing input and signature bytes', () => {
    const result = decodeJwt(`  ${token}\n`);
    if (!result.ok) throw new Error(result.error);
    expect(result.value.header).toEqual({ alg: 'PS256', typ: 'JWT' });
    expect(result.value.payload).toMatchObject({ ProductCode: 'prod-abc', PublicKeyVersion: 1 });
    expect(result.value.signingInput).toBe(`${header}.${payload}`);
    expect(new TextDecoder().decode(result.value.signature)).toBe('signature');
    expect(result.value.warnings).toEqual([]);
  });

  it('takes the Signature out of a pasted RegisterUsage response', () => {
    const result = decodeJwt(JSON.stringify({ Signature: token, PublicKeyRotationTimestamp: 1 }));
    expect(result.ok && result.value.token).toBe(token);
  });

  it('explains malformed input', () => {
    expect(decodeJwt('')).toEqual({ ok: false, error: 'The signature is empty.' });
    expect(decodeJwt('abc.def')).toMatchObject({
      ok: false,
      error: matching(/three parts.*this has 2/),
    });
    expect(decodeJwt(`${header}.${payload}`)).toMatchObject({ ok: false });
    expect(decodeJwt(`he+der.${payload}.c2ln`)).toMatchObject({
      ok: false,
      error: matching(/header is not base64url/),
    });
    expect(decodeJwt(`${header}.${payload.slice(0, -5)}.c2ln`)).toMatchObject({
      ok: false,
      error: matching(/payload/),
    });
    expect(decodeJwt(`${b64url([1])}.${payload}.c2ln`)).toMatchObject({
      ok: false,
      error: matching(/not an object/),
    });
    expect(decodeJwt(`${header}.${payload}.`)).toMatchObject({
      ok: false,
      error: matching(/signature part is empty/),
    });
  });

  it('warns about an alg other than PS256', () => {
    const result = decodeJwt(`${b64url({ alg: 'none' })}.${payload}.c2ln`);
    expect(result.ok && result.value.warnings[0]).toMatch(/RegisterUsage signs with PS256/);
  });

  it('decodes base64url with and without padding', () => {
    expect(base64UrlDecode('_-8')).toEqual(new Uint8Array([0xff, 0xef]));
    expect(base64UrlDecode('YQ==')).toEqual(new Uint8Array([0x61]));
    expect(base64UrlDecode('a')).toBeUndefined();
    expect(base64UrlDecode('a+b/')).toBeUndefined();
  });
});

describe('checkEcho', () => {
  const claims = { ProductCode: 'prod-abc', PublicKeyVersion: 1, Nonce: 'n-1', iat: 1785578400 };

  it('matches every echoed field and shows iat', () => {
    const echo = checkEcho(claims, { productCode: 'prod-abc', publicKeyVersion: 1, nonce: 'n-1' });
    expect(echo.ok).toBe(true);
    expect(echo.fields.map((f) => f.result)).toEqual(['match', 'match', 'match']);
    expect(echo.issuedAt).toBe('2026-08-01T10:00:00.000Z');
  });

  it('reports mismatches, missing fields and an unchecked nonce', () => {
    const echo = checkEcho(
      { ProductCode: 'other', PublicKeyVersion: '2' },
      { productCode: 'prod-abc', publicKeyVersion: 2 },
    );
    expect(echo.ok).toBe(false);
    expect(echo.fields).toEqual([
      {
        field: 'ProductCode',
        expected: 'prod-abc',
        actual: 'other',
        receivedAs: 'ProductCode',
        result: 'mismatch',
      },
      {
        field: 'PublicKeyVersion',
        expected: 2,
        actual: '2',
        receivedAs: 'PublicKeyVersion',
        result: 'match',
      },
      { field: 'Nonce', actual: undefined, result: 'not-checked' },
    ]);
    expect(
      checkEcho(
        { ProductCode: 'prod-abc', PublicKeyVersion: 1 },
        { productCode: 'prod-abc', publicKeyVersion: 1, nonce: 'n' },
      ).fields[2],
    ).toEqual({
      field: 'Nonce',
      expected: 'n',
      result: 'missing',
    });
  });
});

// AWS-FACTS §0.1: the Seller Guide's example payload is PascalCase, AWS's Java verifier example
// reads productCode, publicKeyVersion and nonce. Either is a valid RegisterUsage answer.
describe('RegisterUsage claims in either casing', () => {
  const expected = { productCode: 'prod-abc', publicKeyVersion: 1, nonce: 'pod-7f3a' };
  const pascal = { ProductCode: 'prod-abc', PublicKeyVersion: 1, Nonce: 'pod-7f3a', iat: 1 };
  const camel = { productCode: 'prod-abc', publicKeyVersion: 1, nonce: 'pod-7f3a', iat: 1 };

  it('matches the Seller Guide’s PascalCase payload and says which form it was', () => {
    const echo = checkEcho(pascal, expected);
    expect(echo.ok).toBe(true);
    expect(echo.casing).toBe('PascalCase');
    expect(echo.fields.map((f) => f.receivedAs)).toEqual([
      'ProductCode',
      'PublicKeyVersion',
      'Nonce',
    ]);
  });

  it('matches the Java verifier’s lowerCamel payload instead of calling every field missing', () => {
    const echo = checkEcho(camel, expected);
    expect(echo.ok).toBe(true);
    expect(echo.casing).toBe('lowerCamel');
    expect(echo.fields.map((f) => [f.result, f.receivedAs])).toEqual([
      ['match', 'productCode'],
      ['match', 'publicKeyVersion'],
      ['match', 'nonce'],
    ]);
    // A lowerCamel payload that echoes something else is still a mismatch, not a match.
    expect(checkEcho({ ...camel, nonce: 'other-pod' }, expected).fields[2]?.result).toBe(
      'mismatch',
    );
  });

  it('names the casing of any payload, and reads the key version from either form', () => {
    expect(claimCasing(pascal)).toBe('PascalCase');
    expect(claimCasing(camel)).toBe('lowerCamel');
    expect(claimCasing({ ProductCode: 'p', publicKeyVersion: 1 })).toBe('mixed');
    expect(claimCasing({ iat: 1 })).toBe('none');
    expect(readClaim(camel, 'PublicKeyVersion')).toEqual({ key: 'publicKeyVersion', value: 1 });
    expect(publicKeyVersionOf(camel)).toBe(1);
    expect(publicKeyVersionOf({ PublicKeyVersion: '2' })).toBe(2);
    expect(publicKeyVersionOf({ PublicKeyVersion: 0 })).toBeUndefined();
    expect(publicKeyVersionOf({ iat: 1 })).toBeUndefined();
  });
});
