import { constants, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkEcho } from '../../../shared/jwt';
import { verifyPs256 } from './jwt-verify';

/** expect.stringMatching, typed: the matcher object is opaque to the test. */
const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const right = pair();
const wrong = pair();
const rightPem = right.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const wrongPem = wrong.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = { ProductCode: 'prod-abc', PublicKeyVersion: 1, Nonce: 'n-1', iat: 1785578400 };

function signPs256(payload: unknown, header: unknown = { alg: 'PS256', typ: 'JWT' }): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: right.privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  });
  return `${input}.${signature.toString('base64url')}`;
}

describe('verifyPs256', () => {
  const token = signPs256(claims);

  it('verifies with the right key and the payload echoes the request', () => {
    const result = verifyPs256(token, rightPem);
    expect(result).toMatchObject({ ok: true, valid: true });
    if (!result.ok) throw new Error(result.error);
    expect(
      checkEcho(result.decoded.payload, {
        productCode: 'prod-abc',
        publicKeyVersion: 1,
        nonce: 'n-1',
      }).ok,
    ).toBe(true);
    expect(
      checkEcho(result.decoded.payload, {
        productCode: 'prod-abc',
        publicKeyVersion: 2,
        nonce: 'n-1',
      }).ok,
    ).toBe(false);
  });

  it('accepts PKCS#1 PEM and a bare base64 key body', () => {
    const pkcs1 = right.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(verifyPs256(token, pkcs1)).toMatchObject({ ok: true, valid: true });
    const body = rightPem.replace(/-----[A-Z ]+-----/g, '');
    expect(verifyPs256(token, body)).toMatchObject({ ok: true, valid: true });
  });

  it('fails with the wrong key', () => {
    expect(verifyPs256(token, wrongPem)).toMatchObject({
      ok: true,
      valid: false,
      reason: matching(/does not match/),
    });
  });

  it('fails when the payload was altered after signing', () => {
    const [header = '', , signature = ''] = token.split('.');
    const forged = `${header}.${b64url({ ...claims, ProductCode: 'prod-evil' })}.${signature}`;
    expect(verifyPs256(forged, rightPem)).toMatchObject({ ok: true, valid: false });
  });

  it('fails a PKCS#1 v1.5 (RS256) signature even with the right key', () => {
    const input = `${b64url({ alg: 'PS256' })}.${b64url(claims)}`;
    const rs = sign('sha256', Buffer.from(input), right.privateKey).toString('base64url');
    expect(verifyPs256(`${input}.${rs}`, rightPem)).toMatchObject({ ok: true, valid: false });
  });

  it('refuses an alg other than PS256', () => {
    expect(verifyPs256(signPs256(claims, { alg: 'RS256' }), rightPem)).toMatchObject({
      ok: true,
      valid: false,
      reason: matching(/Only PS256/),
    });
  });

  it('returns clear errors for a malformed token or a bad key, never throws', () => {
    expect(verifyPs256('not-a-jwt', rightPem)).toMatchObject({ ok: false, stage: 'token' });
    expect(verifyPs256(token, '')).toMatchObject({
      ok: false,
      stage: 'key',
      error: 'No public key was given.',
    });
    expect(
      verifyPs256(token, '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----'),
    ).toMatchObject({
      ok: false,
      stage: 'key',
      error: matching(/not a readable PEM public key/),
    });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(verifyPs256(token, ec)).toMatchObject({
      ok: false,
      stage: 'key',
      error: matching(/needs an RSA public key; this is ec/),
    });
    const [header = '', payload = ''] = token.split('.');
    expect(verifyPs256(`${header}.${payload}.${'A'.repeat(700)}`, rightPem)).toMatchObject({
      ok: true,
      valid: false,
    });
  });
});
