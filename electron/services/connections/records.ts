// The saved connections: non-secret parts in the key-value store, and connections whose keys are
// kept for this run only (with those keys) in memory. A damaged saved entry is skipped.
import { z } from 'zod';
import { roleInputSchema } from '../../../shared/channels/connections';
import { AppError } from '../../../shared/errors';
import type { KeyValueStore } from '../ports';

const CONNECTIONS_KEY = 'connections';

const storedConnectionSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('profile'), profile: z.string() }),
    z.object({
      kind: z.literal('keys'),
      keyIdLast4: z.string(),
      hasSessionToken: z.boolean(),
      expiresAt: z.number().optional(),
      storage: z.enum(['encrypted', 'session']),
    }),
  ]),
  region: z.string(),
  regions: z.array(z.string()).min(1),
  role: roleInputSchema.optional(),
  endpoint: z.string().optional(),
  accountId: z.string().optional(),
  arn: z.string().optional(),
  createdAt: z.number(),
});
export type StoredConnection = z.infer<typeof storedConnectionSchema>;

export const keySecretSchema = z.object({
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  sessionToken: z.string().optional(),
});
export type KeySecret = z.infer<typeof keySecretSchema>;

export type ConnectionRecords = ReturnType<typeof createConnectionRecords>;

export function createConnectionRecords(store: KeyValueStore) {
  /** Keys for this run only: never written anywhere. */
  const sessionConnections = new Map<string, StoredConnection>();
  const sessionSecrets = new Map<string, KeySecret>();

  function loadStored(): StoredConnection[] {
    const raw = store.get(CONNECTIONS_KEY);
    if (!Array.isArray(raw)) return [];
    // A damaged entry is skipped, not fatal: the others stay usable.
    return raw.flatMap((entry: unknown) => {
      const parsed = storedConnectionSchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    });
  }

  function saveStored(all: StoredConnection[]): void {
    store.set(CONNECTIONS_KEY, all);
  }

  function all(): StoredConnection[] {
    return [...loadStored(), ...sessionConnections.values()];
  }

  function byId(id: string): StoredConnection {
    const found = all().find((connection) => connection.id === id);
    if (!found) throw new AppError('NOT_FOUND', `No connection with id "${id}".`);
    return found;
  }

  function replace(next: StoredConnection): void {
    if (sessionConnections.has(next.id)) {
      sessionConnections.set(next.id, next);
      return;
    }
    saveStored(loadStored().map((connection) => (connection.id === next.id ? next : connection)));
  }

  return { loadStored, saveStored, all, byId, replace, sessionConnections, sessionSecrets };
}
