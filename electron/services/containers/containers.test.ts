// The containers service against the real sandbox: RegisterUsage's Signature verified with the
// sandbox's public key (right key, wrong key, tampered payload), the echo check, key rotation.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../../shared/contract';
import { createAwsClientFactory } from '../../adapters/aws/clients';
import { createContainersApi } from '../../adapters/aws/containers-api';
import { createPacer, realTime } from '../../adapters/aws/pacer';
import { verifyPs256 } from '../../adapters/crypto/jwt-verify';
import {
  fixtures,
  startTestSandbox,
  type AdminState,
  type Fixtures,
  type TestSandbox,
} from '../../sandbox/testing/sandbox-testkit';
import { createContainersService, type ContainersService } from './containers';

let box: TestSandbox;
let world: Fixtures;
let service: ContainersService;

async function publicKey(version: number): Promise<string> {
  const response = await box.admin<{ pem: string }>(
    'GET',
    `/_sandbox/public-key?version=${version}`,
  );
  return response.body.pem;
}

beforeAll(async () => {
  box = await startTestSandbox();
  world = fixtures((await box.admin<AdminState>('GET', '/_sandbox/state')).body);
  const connection: ConnectionSummary = {
    id: 'sandbox',
    name: 'Sandbox',
    kind: 'sandbox',
    isSandbox: true,
    region: box.sandbox.region,
    regions: [box.sandbox.region],
    accountId: box.sandbox.accountId,
  };
  service = createContainersService({
    connections: {
      active: () => connection,
      target: () => ({
        connectionId: 'sandbox',
        region: box.sandbox.region,
        endpoint: box.sandbox.endpoint,
        credentials: {
          accessKeyId: box.sandbox.accessKeyId,
          secretAccessKey: box.sandbox.secretAccessKey,
        },
      }),
    },
    api: createContainersApi(createAwsClientFactory()),
    verify: verifyPs256,
    pacer: createPacer(realTime),
    now: Date.now,
  });
});

afterEach(async () => {
  await box.admin('PUT', '/_sandbox/faults', {});
  await box.admin('PUT', '/_sandbox/behaviour', {});
});

afterAll(async () => {
  await box.close();
});

describe('containers service: RegisterUsage signatures and echoes', () => {
  it('decodes the Signature and checks the echo of product code, key version and nonce', async () => {
    const request = {
      productCode: world.container.productCode,
      publicKeyVersion: 1,
      nonce: 'n-42',
    };
    const result = await service.registerUsage(request);
    expect(result.rotation).toBeUndefined();
    expect(result.header).toEqual({ alg: 'PS256', typ: 'JWT' });
    expect(result.payload).toMatchObject({
      ProductCode: world.container.productCode,
      PublicKeyVersion: 1,
      Nonce: 'n-42',
    });
    expect(result.echo?.ok).toBe(true);
    expect(result.echo?.casing).toBe('PascalCase');
    expect(result.echo?.fields.map((f) => f.result)).toEqual(['match', 'match', 'match']);
    expect(result.echo?.issuedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('accepts lowerCamel claims (productCode, publicKeyVersion, nonce) and says that is what came', async () => {
    await box.admin('PUT', '/_sandbox/behaviour', { jwtClaimCasing: 'lowerCamel' });
    const request = { productCode: world.container.productCode, publicKeyVersion: 1, nonce: 'n-7' };
    const result = await service.registerUsage(request);
    expect(result.payload).toMatchObject({ productCode: request.productCode, nonce: 'n-7' });
    expect(result.echo).toMatchObject({ ok: true, casing: 'lowerCamel' });
    expect(result.echo?.fields.map((f) => [f.result, f.receivedAs])).toEqual([
      ['match', 'productCode'],
      ['match', 'publicKeyVersion'],
      ['match', 'nonce'],
    ]);
    const verified = service.verifySignature({
      signature: result.signature,
      publicKeys: [{ version: 1, pem: await publicKey(1) }],
      expected: request,
    });
    expect(verified).toMatchObject({ valid: true, keyVersion: 1, casing: 'lowerCamel' });
  });

  it('verifies with the key for the token’s version; refuses a wrong key and a tampered payload', async () => {
    const request = { productCode: world.container.productCode, publicKeyVersion: 1, nonce: 'n-1' };
    const { signature } = await service.registerUsage(request);
    const pem = await publicKey(1);
    const keys = [{ version: 1, pem }];

    const right = service.verifySignature({ signature, publicKeys: keys, expected: request });
    expect(right).toMatchObject({ valid: true, keyVersion: 1, echo: { ok: true } });

    const otherPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const wrong = service.verifySignature({
      signature,
      publicKeys: [{ version: 1, pem: otherPem }],
      expected: request,
    });
    expect(wrong).toMatchObject({ valid: false, stage: 'signature' });
    expect(wrong.reason).toMatch(/wrong key|altered/);
    // Among several keys, the one for the token's version is used.
    expect(
      service.verifySignature({
        signature,
        publicKeys: [
          { version: 2, pem: otherPem },
          { version: 1, pem },
        ],
      }).valid,
    ).toBe(true);

    const [header = '', payload = '', sig = ''] = signature.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(JSON.stringify({ ...claims, ProductCode: 'someone-else' })).toString(
      'base64url',
    );
    const tampered = service.verifySignature({
      signature: `${header}.${forged}.${sig}`,
      publicKeys: keys,
      expected: request,
    });
    expect(tampered).toMatchObject({ valid: false, stage: 'signature' });
    // The echo check shows what was changed.
    expect(tampered.echo?.fields[0]).toMatchObject({ field: 'ProductCode', result: 'mismatch' });

    expect(
      service.verifySignature({ signature, publicKeys: [{ version: 1, pem: 'not a key' }] }),
    ).toMatchObject({ valid: false, stage: 'key' });
    expect(service.verifySignature({ signature: 'abc', publicKeys: keys })).toMatchObject({
      valid: false,
      stage: 'token',
    });
  });
});

describe('containers service: RegisterUsage key versions, mismatches and refusals', () => {
  it('says plainly when the token names a key version it has no key for', async () => {
    const { signature } = await service.registerUsage({
      productCode: world.container.productCode,
      publicKeyVersion: 1,
    });
    const [header = '', payload = '', sig = ''] = signature.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const v2 = Buffer.from(JSON.stringify({ ...claims, PublicKeyVersion: 2 })).toString(
      'base64url',
    );
    const result = service.verifySignature({
      signature: `${header}.${v2}.${sig}`,
      publicKeys: [{ version: 1, pem: await publicKey(1) }],
    });
    expect(result).toMatchObject({ valid: false, stage: 'no-key', keyVersion: 2 });
    expect(result.reason).toBe(
      'This signature names public key version 2, and no key for version 2 was given (only for version 1). A signature can only be checked with the key of the version it names: get the PEM for version 2 from AWS Marketplace (the Seller Guide’s RegisterUsage example embeds version 1) and add it.',
    );
    const noVersion = Buffer.from(JSON.stringify({ ProductCode: 'p', iat: 1 })).toString(
      'base64url',
    );
    expect(
      service.verifySignature({
        signature: `${header}.${noVersion}.${sig}`,
        publicKeys: [{ version: 1, pem: await publicKey(1) }],
      }),
    ).toMatchObject({ valid: false, stage: 'token', casing: 'PascalCase' });
  });

  it('flags an echo mismatch (a different nonce) even when the signature is valid', async () => {
    const request = {
      productCode: world.container.productCode,
      publicKeyVersion: 1,
      nonce: 'mine',
    };
    const { signature } = await service.registerUsage(request);
    const result = service.verifySignature({
      signature,
      publicKeys: [{ version: 1, pem: await publicKey(1) }],
      expected: { ...request, nonce: 'replayed' },
    });
    expect(result.valid).toBe(true);
    expect(result.echo?.ok).toBe(false);
    expect(result.echo?.fields[2]).toMatchObject({ field: 'Nonce', result: 'mismatch' });
  });

  it('maps AWS refusals (a key version AWS has not published) through the error mapper', async () => {
    await expect(
      service.registerUsage({ productCode: world.container.productCode, publicKeyVersion: 2 }),
    ).rejects.toMatchObject({ code: 'AWS_REJECTED', message: /public key version/i });
  });
});

describe('containers service: who is calling', () => {
  it('names the identity the calls sign as, and what AWS counts for MeterUsage', async () => {
    const view = await service.caller();
    expect(view).toMatchObject({
      connectionName: 'Sandbox',
      region: box.sandbox.region,
      arn: `arn:aws:iam::${box.sandbox.accountId}:user/meterdesk-sandbox`,
      account: box.sandbox.accountId,
      kind: 'iam-user',
      name: 'meterdesk-sandbox',
    });
    expect(view.explanation).toMatch(/Sandbox counts each access key as one workload/);
  });
});

describe('containers service: a superseded key version', () => {
  it('answers PublicKeyRotationTimestamp, explained, and still verifies with the old key', async () => {
    const before = box.now();
    await box.admin('POST', '/_sandbox/public-keys/rotate');
    const after = box.now();
    const request = { productCode: world.container.productCode, publicKeyVersion: 1 };
    const result = await service.registerUsage(request);
    const rotatedAt = Date.parse(result.rotation?.rotatedAt ?? '');
    expect(rotatedAt).toBeGreaterThanOrEqual(before);
    expect(rotatedAt).toBeLessThanOrEqual(after);
    expect(result.rotation?.explanation).toMatch(/superseded/);
    expect(result.rotation?.explanation).toMatch(/newer key version/);
    expect(
      service.verifySignature({
        signature: result.signature,
        publicKeys: [{ version: 1, pem: await publicKey(1) }],
      }).valid,
    ).toBe(true);
  });
});
