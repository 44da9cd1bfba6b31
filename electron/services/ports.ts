// Ports the pure services depend on; adapters implement them.

/** A small persistent map of JSON values (electron-store in the app, conf or memory elsewhere). */
export type KeyValueStore = {
  get: (key: string) => unknown;
  set: (key: string, value: unknown) => void;
  delete: (key: string) => void;
};

export type Clock = { now: () => number };

/** Whether secrets can be saved here, and if not, why (in words a user can act on). */
export type SecretStoreStatus = { available: true } | { available: false; reason: string };

/**
 * Where secrets live between runs: OS-encrypted ciphertext (Electron safeStorage) or nowhere.
 * There is no plaintext fallback: where encryption is unavailable, save() refuses.
 */
export type SecretStore = {
  status: () => SecretStoreStatus;
  /** Encrypts and keeps `plaintext` under `id`; throws AppError ENCRYPTION_UNAVAILABLE if it cannot. */
  save: (id: string, plaintext: string) => void;
  /** The decrypted secret, or undefined when none is stored (or it can no longer be decrypted). */
  load: (id: string) => string | undefined;
  remove: (id: string) => void;
};
