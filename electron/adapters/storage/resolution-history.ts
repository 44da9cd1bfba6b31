// The history of token resolutions: one JSON object per line under the data folder. Entries hold
// a short hash of the token, never the token. Lines that do not parse (a torn last line after a
// crash) are skipped, not fatal: this is a convenience record, not the billing journal.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolutionEntrySchema, type ResolutionEntry } from '../../../shared/channels/customers';
import type { ResolutionHistoryStore } from '../../services/customers/customers';

export function createResolutionHistoryFile(path: string): ResolutionHistoryStore {
  let entries: ResolutionEntry[] | null = null;

  function load(): ResolutionEntry[] {
    if (entries !== null) return entries;
    const loaded: ResolutionEntry[] = [];
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          const parsed = resolutionEntrySchema.safeParse(JSON.parse(line));
          if (parsed.success) loaded.push(parsed.data);
        } catch {
          // A torn or foreign line: skip it.
        }
      }
    }
    entries = loaded;
    return loaded;
  }

  return {
    append(entry) {
      const all = load();
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, `${JSON.stringify(entry)}\n`, 'utf8');
      all.push(entry);
    },
    list: () => load(),
  };
}
