// The SecretStore contract, with a fake safeStorage that behaves like Electron's: refusal when
// encryption is unavailable or the Linux backend is basic_text, a round trip when available, and
// ciphertext on disk that never contains the plaintext. The browser host's store always refuses.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { createRefusingSecretStore } from './refusing';
import { createSafeStorageSecretStore, type SafeStorageLike } from './safe-storage';

const PLAINTEXT = JSON.stringify({
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
});

/** Electron-like: AES-GCM with a per-process key, like an OS keychain-held key. */
function fakeSafeStorage(options: { available: boolean; backend?: string }): SafeStorageLike & {
  encryptCalls: number;
} {
  const key = randomBytes(32);
  const fake = {
    encryptCalls: 0,
    isEncryptionAvailable: () => options.available,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString(plain: string): Buffer {
      if (!options.available) throw new Error('Encryption is not available.');
      fake.encryptCalls += 1;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from('v11'), iv, cipher.getAuthTag(), body]);
    },
    decryptString(data: Buffer): string {
      const iv = data.subarray(3, 15);
      const tag = data.subarray(15, 31);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data.subarray(31)), decipher.final()]).toString('utf8');
    },
  };
  return fake;
}

function allFileBytes(dir: string): Buffer[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name)));
}

describe('safeStorage SecretStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'meterdesk-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));

  it('round-trips a secret when encryption is available, and stores only ciphertext', () => {
    const safeStorage = fakeSafeStorage({ available: true });
    const store = createSafeStorageSecretStore({ safeStorage, platform: 'linux', dir });
    expect(store.status()).toEqual({ available: true });
    store.save('conn-1', PLAINTEXT);
    expect(safeStorage.encryptCalls).toBe(1);
    expect(store.load('conn-1')).toBe(PLAINTEXT);
    const files = allFileBytes(dir);
    expect(files).toHaveLength(1);
    for (const bytes of files) {
      expect(bytes.equals(Buffer.from(PLAINTEXT))).toBe(false);
      expect(bytes.includes(Buffer.from('wJalrXUtnFEMI'))).toBe(false);
      expect(bytes.includes(Buffer.from('AKIAIOSFODNN7EXAMPLE'))).toBe(false);
    }
    store.remove('conn-1');
    expect(store.load('conn-1')).toBeUndefined();
    expect(allFileBytes(dir)).toHaveLength(0);
  });

  it('refuses on Linux when the backend is basic_text, and writes nothing', () => {
    const safeStorage = fakeSafeStorage({ available: true, backend: 'basic_text' });
    const store = createSafeStorageSecretStore({ safeStorage, platform: 'linux', dir });
    const status = store.status();
    expect(status.available).toBe(false);
    expect(status.available ? '' : status.reason).toMatch(/keyring/);
    let caught: unknown;
    try {
      store.save('conn-1', PLAINTEXT);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('ENCRYPTION_UNAVAILABLE');
    expect((caught as AppError).message).toMatch(/keyring/);
    expect((caught as AppError).hint).toMatch(/this run only/);
    expect(safeStorage.encryptCalls).toBe(0);
    expect(allFileBytes(dir)).toHaveLength(0);
  });

  it('accepts basic_text nowhere but Linux asks for it (other platforms have no such backend)', () => {
    const store = createSafeStorageSecretStore({
      safeStorage: fakeSafeStorage({ available: true, backend: 'basic_text' }),
      platform: 'darwin',
      dir,
    });
    expect(store.status()).toEqual({ available: true });
  });

  it('refuses when encryption is unavailable, and writes nothing', () => {
    const store = createSafeStorageSecretStore({
      safeStorage: fakeSafeStorage({ available: false }),
      platform: 'win32',
      dir,
    });
    expect(store.status().available).toBe(false);
    expect(() => store.save('conn-1', PLAINTEXT)).toThrow(/cannot save these keys/);
    expect(allFileBytes(dir)).toHaveLength(0);
  });

  it('returns nothing for ciphertext another key cannot decrypt', () => {
    const first = createSafeStorageSecretStore({
      safeStorage: fakeSafeStorage({ available: true }),
      platform: 'linux',
      dir,
    });
    first.save('conn-1', PLAINTEXT);
    const second = createSafeStorageSecretStore({
      safeStorage: fakeSafeStorage({ available: true }),
      platform: 'linux',
      dir,
    });
    expect(second.load('conn-1')).toBeUndefined();
  });

  it('the browser host store always refuses, with the reason', () => {
    const store = createRefusingSecretStore();
    const status = store.status();
    expect(status.available).toBe(false);
    expect(status.available ? '' : status.reason).toMatch(/browser host/);
    expect(() => store.save('x', PLAINTEXT)).toThrow(AppError);
    expect(store.load('x')).toBeUndefined();
  });
});
