// The containers service against the real sandbox: RegisterUsage's Signature verified with the
// sandbox's public key (right key, wrong key, tampered payload), the echo check, key rotation.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../../shared/contract';
import { createAwsClientFactory } from '../../adapters/aws/clients';
import { createContainersApi } from '../../adapters/aws/containers-api';
import { createPacer, realTime } from '../../adapters/aws/pacer';
import { verifyPs256 } from '../../adapters/crypto/jwt-verify';
import { KEY_V1_ROTATED_AT } from '../../sandbox/jwt';
import {
  fixtures,
  startTestSandbox,
  type AdminState,
  type Fixtures,
  type TestSandbox,
} from '../../sandbox/sandbox-testkit';
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
});

afterAll(async () => {
  await box.close();
});

describe('containers service: RegisterUsage', () => {
  it('decodes the Signature and checks the echo of product code, key version and nonce', async () => {
    const request = {
      productCode: world.container.productCode,
      publicKeyVersion: 2,
      nonce: 'n-42',
    };
    const result = await service.registerUsage(request);
    expect(result.rotation).toBeUndefined();
    expect(result.header).toEqual({ alg: 'PS256', typ: 'JWT' });
    expect(result.payload).toMatchObject({
      ProductCode: world.container.productCode,
      PublicKeyVersion: 2,
      Nonce: 'n-42',
    });
    expect(result.echo?.ok).toBe(true);
    expect(result.echo?.fields.map((f) => f.result)).toEqual(['match', 'match', 'match']);
    expect(result.echo?.issuedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('verifies with the right key; refuses a wrong key and a tampered payload', async () => {
    const request = { productCode: world.container.productCode, publicKeyVersion: 2, nonce: 'n-1' };
    const { signature } = await service.registerUsage(request);
    const pem = await publicKey(2);

    const right = service.verifySignature({ signature, publicKeyPem: pem, expected: request });
    expect(right).toMatchObject({ valid: true, echo: { ok: true } });

    const otherPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const wrong = service.verifySignature({ signature, publicKeyPem: otherPem, expected: request });
    expect(wrong).toMatchObject({ valid: false, stage: 'signature' });
    expect(wrong.reason).toMatch(/wrong key|altered/);
    // The v1 key is a real sandbox key, just not the one this was signed with.
    expect(service.verifySignature({ signature, publicKeyPem: await publicKey(1) }).valid).toBe(
      false,
    );

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
      publicKeyPem: pem,
      expected: request,
    });
    expect(tampered).toMatchObject({ valid: false, stage: 'signature' });
    // The echo check shows what was changed.
    expect(tampered.echo?.fields[0]).toMatchObject({ field: 'ProductCode', result: 'mismatch' });

    expect(service.verifySignature({ signature, publicKeyPem: 'not a key' })).toMatchObject({
      valid: false,
      stage: 'key',
    });
    expect(service.verifySignature({ signature: 'abc', publicKeyPem: pem })).toMatchObject({
      valid: false,
      stage: 'token',
    });
  });

  it('flags an echo mismatch (a different nonce) even when the signature is valid', async () => {
    const request = {
      productCode: world.container.productCode,
      publicKeyVersion: 2,
      nonce: 'mine',
    };
    const { signature } = await service.registerUsage(request);
    const result = service.verifySignature({
      signature,
      publicKeyPem: await publicKey(2),
      expected: { ...request, nonce: 'replayed' },
    });
    expect(result.valid).toBe(true);
    expect(result.echo?.ok).toBe(false);
    expect(result.echo?.fields[2]).toMatchObject({ field: 'Nonce', result: 'mismatch' });
  });

  it('an old key version answers with PublicKeyRotationTimestamp, explained', async () => {
    const request = { productCode: world.container.productCode, publicKeyVersion: 1 };
    const result = await service.registerUsage(request);
    expect(result.rotation?.rotatedAt).toBe(new Date(KEY_V1_ROTATED_AT).toISOString());
    expect(result.rotation?.explanation).toMatch(/superseded/);
    expect(result.rotation?.explanation).toMatch(/newer key version/);
    // Still signed with the v1 key.
    expect(
      service.verifySignature({ signature: result.signature, publicKeyPem: await publicKey(1) })
        .valid,
    ).toBe(true);
  });

  it('maps AWS refusals (unknown key version) through the error mapper', async () => {
    await expect(
      service.registerUsage({ productCode: world.container.productCode, publicKeyVersion: 9 }),
    ).rejects.toMatchObject({ code: 'AWS_REJECTED', message: /public key version/i });
  });
});
