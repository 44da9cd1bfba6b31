// The SecretStore of the desktop app: Electron safeStorage ciphertext, one file per secret under
// <data>/secrets/. safeStorage is passed in (not imported) so this file runs under vitest with a
// fake that keeps the same contract.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { SecretStore, SecretStoreStatus } from '../../services/ports';

/** The part of Electron's `safeStorage` this adapter uses. */
export type SafeStorageLike = {
  isEncryptionAvailable: () => boolean;
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?: () => string;
  encryptString: (plainText: string) => Buffer;
  decryptString: (encrypted: Buffer) => string;
};

const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

export function safeStorageStatus(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
): SecretStoreStatus {
  let available: boolean;
  try {
    available = safeStorage.isEncryptionAvailable();
  } catch {
    available = false;
  }
  if (!available) {
    return {
      available: false,
      reason:
        'This computer offers Meterdesk no OS encryption (no keychain or secret service is available), so keys cannot be saved safely.',
    };
  }
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend) {
    let backend = 'unknown';
    try {
      backend = safeStorage.getSelectedStorageBackend();
    } catch {
      // Treated as unknown below.
    }
    // basic_text "encrypts" with a key hard-coded in Chromium: as good as plaintext on disk.
    if (backend === 'basic_text' || backend === 'unknown') {
      return {
        available: false,
        reason:
          'No desktop keyring (GNOME Keyring or KWallet) is running, so Electron would only obfuscate the keys with a built-in password; Meterdesk does not save keys that way.',
      };
    }
  }
  return { available: true };
}

export function createSafeStorageSecretStore(options: {
  safeStorage: SafeStorageLike;
  platform: NodeJS.Platform;
  /** Folder for the ciphertext files, e.g. <data>/secrets. */
  dir: string;
}): SecretStore {
  const { safeStorage, platform, dir } = options;
  const pathOf = (id: string): string => {
    if (!SAFE_ID.test(id))
      throw new AppError('VALIDATION', 'A secret id may use A-Z, 0-9, _ and - only.');
    return join(dir, `${id}.bin`);
  };
  const status = (): SecretStoreStatus => safeStorageStatus(safeStorage, platform);

  return {
    status,
    save(id, plaintext) {
      const current = status();
      if (!current.available) {
        throw new AppError(
          'ENCRYPTION_UNAVAILABLE',
          `Meterdesk cannot save these keys: ${current.reason}`,
          {
            hint: 'Use them for this run only: they stay in memory and are forgotten when Meterdesk quits.',
            retryable: false,
          },
        );
      }
      const ciphertext = safeStorage.encryptString(plaintext);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const path = pathOf(id);
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, ciphertext, { mode: 0o600 });
      renameSync(tmp, path);
    },
    load(id) {
      const path = pathOf(id);
      if (!existsSync(path)) return undefined;
      try {
        return safeStorage.decryptString(readFileSync(path));
      } catch {
        // Another OS user or a reset keychain: the ciphertext is useless; the caller asks again.
        return undefined;
      }
    },
    remove(id) {
      rmSync(pathOf(id), { force: true });
    },
  };
}
