// The Query tab's saved queries: the built-in ones, and an auditor's own kept on this computer
// (not per account: an auditor's questions travel). Built-in ones cannot be changed.
import { z } from 'zod';
import { builtinAuditQueries } from '../../../shared/audit-sql';
import type { AuditSavedQuery } from '../../../shared/channels/audit-sql';
import { AppError } from '../../../shared/errors';
import type { KeyValueStore } from '../ports';

const SAVED_KEY = 'audit.savedQueries';
const savedListSchema = z.array(
  z.object({ id: z.string(), name: z.string(), description: z.string(), sql: z.string() }),
);

export function createSavedQueries(store: KeyValueStore, newId: () => string) {
  function savedOwn(): z.infer<typeof savedListSchema> {
    const parsed = savedListSchema.safeParse(store.get(SAVED_KEY));
    return parsed.success ? parsed.data : [];
  }

  function saved(): { queries: AuditSavedQuery[] } {
    return {
      queries: [
        ...builtinAuditQueries.map((q) => ({ ...q, builtin: true })),
        ...savedOwn().map((q) => ({ ...q, builtin: false })),
      ],
    };
  }

  function save(input: {
    id?: string | undefined;
    name: string;
    description: string;
    sql: string;
  }) {
    if (input.id !== undefined && builtinAuditQueries.some((q) => q.id === input.id)) {
      throw new AppError('VALIDATION', 'A built-in query cannot be changed.', {
        hint: 'Save it under a new name instead.',
      });
    }
    const own = savedOwn();
    const id = input.id ?? `saved:${newId()}`;
    const query = { id, name: input.name, description: input.description, sql: input.sql };
    const at = own.findIndex((q) => q.id === id);
    if (input.id !== undefined && at < 0) {
      throw new AppError('NOT_FOUND', 'That saved query no longer exists.');
    }
    if (at >= 0) own[at] = query;
    else own.push(query);
    store.set(SAVED_KEY, own);
    return { ...query, builtin: false };
  }

  function remove(id: string): { deleted: boolean } {
    const own = savedOwn();
    const rest = own.filter((q) => q.id !== id);
    if (rest.length !== own.length) store.set(SAVED_KEY, rest);
    return { deleted: rest.length !== own.length };
  }

  return { saved, save, remove };
}
