// Ports the pure services depend on; adapters implement them.

/** A small persistent map of JSON values (electron-store in the app, conf or memory elsewhere). */
export type KeyValueStore = {
  get: (key: string) => unknown;
  set: (key: string, value: unknown) => void;
  delete: (key: string) => void;
};

export type Clock = { now: () => number };
