// The RegisterUsage key story as AWS documents it (AWS-FACTS §1.6): public key version 1, a PEM
// the seller embeds; PublicKeyRotationTimestamp only once a newer version exists and the caller
// still sends the old one. A data folder from before (version 2 current, version 1 "rotated")
// is brought back to the documented story, keeping its version 1 key.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegisterUsageCommand } from '@aws-sdk/client-marketplace-metering';
import { describe, expect, it } from 'vitest';
import { loadOrCreateKeys, verifyPs256, type RegisterUsageKeys } from './jwt';
import { fixtures, startTestSandbox, type AdminState } from './testing/sandbox-testkit';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('RegisterUsage keys', () => {
  it('a new data folder has version 1 only, current and never rotated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meterdesk-keys-'));
    try {
      const keys = loadOrCreateKeys(dir);
      expect(keys.currentVersion).toBe(1);
      expect(keys.versions.map((k) => [k.version, k.rotatedAt])).toEqual([[1, undefined]]);
      // Stable across restarts.
      expect(loadOrCreateKeys(dir)).toEqual(keys);
    } finally {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  });

  it('an older folder keeps its version 1 key and loses the undocumented version 2 and rotation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meterdesk-keys-'));
    try {
      const v1 = keyPair();
      const old: RegisterUsageKeys = {
        currentVersion: 2,
        versions: [
          { version: 1, ...v1, rotatedAt: Date.UTC(2026, 0, 15) },
          { version: 2, ...keyPair() },
        ],
      };
      writeFileSync(join(dir, 'register-usage-keys.json'), JSON.stringify(old));
      const keys = loadOrCreateKeys(dir);
      expect(keys).toEqual({ currentVersion: 1, versions: [{ version: 1, ...v1 }] });
      const stored = JSON.parse(
        readFileSync(join(dir, 'register-usage-keys.json'), 'utf8'),
      ) as RegisterUsageKeys;
      expect(stored).toEqual(keys);
    } finally {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  });

  it('after a rotation, version 1 still signs and answers PublicKeyRotationTimestamp', async () => {
    const t = await startTestSandbox();
    try {
      const f = fixtures((await t.admin<AdminState>('GET', '/_sandbox/state')).body);
      const register = (version: number) =>
        t.metering().send(
          new RegisterUsageCommand({
            ProductCode: f.container.productCode,
            PublicKeyVersion: version,
          }),
        );
      expect((await register(1)).PublicKeyRotationTimestamp).toBeUndefined();
      const before = t.now();
      const rotated = await t.admin<{ version: number; pem: string }>(
        'POST',
        '/_sandbox/public-keys/rotate',
      );
      const after = t.now();
      expect(rotated.body.version).toBe(2);
      const old = await register(1);
      const rotatedAt = old.PublicKeyRotationTimestamp?.getTime() ?? 0;
      expect(rotatedAt).toBeGreaterThanOrEqual(before);
      expect(rotatedAt).toBeLessThanOrEqual(after);
      const v1 = await t.admin<{ pem: string; current: boolean; rotatedAt: number }>(
        'GET',
        '/_sandbox/public-key?version=1',
      );
      expect(v1.body.current).toBe(false);
      expect(verifyPs256(v1.body.pem, old.Signature ?? '')).toBeDefined();
      const fresh = await register(2);
      expect(fresh.PublicKeyRotationTimestamp).toBeUndefined();
      expect(verifyPs256(rotated.body.pem, fresh.Signature ?? '')).toBeDefined();
    } finally {
      await t.close();
    }
  });
});
