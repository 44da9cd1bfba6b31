// One import of trail log files from the window: each file read (gz decompressed) and sent in
// order, every one but the last letting main hold it to store several in one write. The totals
// count a file only once main reports its events stored, so the progress bar never runs ahead
// of the cache; a file main held when a later call failed is listed as not confirmed.
import type { TrailFileSummary } from '../../../../shared/audit';

export type Totals = {
  files: number;
  done: number;
  events: number;
  meteringEvents: number;
  added: number;
  duplicates: number;
  otherAccounts: number;
  truncated: number;
  beyondLookup: number;
  unreadable: { fileName: string; reason: string }[];
};

export const emptyTotals = (files: number): Totals => ({
  files,
  done: 0,
  events: 0,
  meteringEvents: 0,
  added: 0,
  duplicates: 0,
  otherAccounts: 0,
  truncated: 0,
  beyondLookup: 0,
  unreadable: [],
});

export function addFile(totals: Totals, file: TrailFileSummary): Totals {
  if (file.notStored !== undefined) {
    return failed(totals, file.fileName, `Not stored (${file.notStored}). Import it again.`);
  }
  return {
    ...totals,
    done: totals.done + 1,
    events: totals.events + file.events,
    meteringEvents: totals.meteringEvents + file.meteringEvents,
    added: totals.added + file.added,
    duplicates: totals.duplicates + file.duplicates,
    otherAccounts: totals.otherAccounts + file.otherAccounts,
    truncated: totals.truncated + file.truncated,
    beyondLookup: totals.beyondLookup + file.beyondLookup,
    unreadable:
      file.unreadable === undefined
        ? totals.unreadable
        : [...totals.unreadable, { fileName: file.fileName, reason: file.unreadable }],
  };
}

export function failed(totals: Totals, fileName: string, reason: string): Totals {
  return {
    ...totals,
    done: totals.done + 1,
    unreadable: [...totals.unreadable, { fileName, reason }],
  };
}

export type TrailImportFile = { name: string; read: () => Promise<string> };

export type TrailImportDeps = {
  sendFile: (name: string, text: string, options: { last: boolean }) => Promise<TrailFileSummary[]>;
  stopped: () => boolean;
  onTotals: (totals: Totals) => void;
};

export async function runTrailImport(
  files: readonly TrailImportFile[],
  deps: TrailImportDeps,
): Promise<Totals> {
  let current = emptyTotals(files.length);
  deps.onTotals(current);
  // Sent but not yet told stored (main holds them to store with the next files).
  let waiting: string[] = [];
  const send = async (name: string, text: string, last: boolean): Promise<void> => {
    try {
      const stored = await deps.sendFile(name, text, { last });
      for (const file of stored) current = addFile(current, file);
      const told = new Set(stored.map((f) => f.fileName));
      waiting = [...waiting, name].filter((n) => !told.has(n));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      current = failed(current, name, reason);
      for (const held of waiting.filter((n) => n !== name)) {
        current = failed(current, held, `Not confirmed stored (${reason}). Import it again.`);
      }
      waiting = [];
    }
    deps.onTotals(current);
  };
  // A file is sent once the next readable one is known, so the last one sent is the one that
  // tells main to store everything it holds, even when the files after it cannot be read.
  let ready: { name: string; text: string } | null = null;
  for (const file of files) {
    if (deps.stopped()) break;
    let text: string;
    try {
      text = await file.read();
    } catch (error) {
      current = failed(current, file.name, error instanceof Error ? error.message : String(error));
      deps.onTotals(current);
      continue;
    }
    if (ready) await send(ready.name, ready.text, false);
    ready = { name: file.name, text };
  }
  if (ready) await send(ready.name, ready.text, true);
  return current;
}
