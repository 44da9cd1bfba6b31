// Keeps the metering screen's unsent work in main, per connection: restored when the screen
// opens (after navigation, a reload or a restart) and saved a moment after every change, and at
// once when the screen goes away. A restored draft goes before records added meanwhile (a
// "Meter usage for this customer" link arriving with the screen).
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { DraftRecord, MeteringDraft } from '../../../../shared/channels/drafts';
import type { ImportCsvDone } from '../../api/metering';
import { fetchDraft, saveDraft } from '../../api/drafts';
import type { ExcludedRows } from './CsvImport';
import { nextRowId, type EditorRow } from './editor-model';

const SAVE_AFTER_MS = 300;

export type DraftState = {
  rows: readonly EditorRow[];
  imported: ImportCsvDone | null;
  excluded: ExcludedRows;
  version: number;
};

export type RestoredDraft = {
  rows: EditorRow[];
  imported: ImportCsvDone | null;
  excluded: ExcludedRows;
  /** Another connection's work is on screen: replace it (else keep what was added meanwhile). */
  replace: boolean;
};

function toRecord(row: EditorRow): DraftRecord {
  const record: DraftRecord & { rowId?: string } = { ...row };
  delete record.rowId;
  return record;
}

function fromRecord(record: DraftRecord): EditorRow {
  const row: EditorRow = { ...record, rowId: nextRowId() };
  if (record.importProblem === undefined) delete row.importProblem;
  return row;
}

function restoredFrom(draft: MeteringDraft | null, replace: boolean): RestoredDraft {
  const excluded = new Map<
    number,
    { status: 'ready' | 'review'; to: 'editor' | 'removed' | 'merged' }
  >();
  for (const x of draft?.import?.excluded ?? []) {
    excluded.set(x.index, { status: x.status, to: x.to });
  }
  return {
    rows: (draft?.records ?? []).map(fromRecord),
    imported: draft?.import?.result ?? null,
    excluded,
    replace,
  };
}

function payload(connectionId: string, state: DraftState) {
  return {
    connectionId,
    records: state.rows.map(toRecord),
    import: state.imported
      ? {
          handle: state.imported.summary.handle,
          excluded: [...state.excluded].map(([index, x]) => ({ index, ...x })),
        }
      : null,
  };
}

export function useMeteringDraft(
  connectionId: string | undefined,
  state: DraftState,
  restore: (draft: RestoredDraft) => void,
) {
  const [restoredFor, setRestoredFor] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const restoreRef = useRef(restore);
  const shownFor = useRef<string | null>(null);

  useEffect(() => {
    if (connectionId === undefined) return;
    let current = true;
    fetchDraft(connectionId).then(
      (draft) => {
        if (!current) return;
        const replace = shownFor.current !== null && shownFor.current !== connectionId;
        if (draft || replace) restoreRef.current(restoredFrom(draft, replace));
        shownFor.current = connectionId;
        setProblem(draft?.importProblem ?? null);
        setRestoredFor(connectionId);
      },
      (error: unknown) => {
        if (!current) return;
        setProblem(`The saved draft could not be read: ${String(error)}`);
        setRestoredFor(connectionId);
      },
    );
    return () => {
      current = false;
    };
  }, [connectionId]);

  // Saves follow changes a moment later; one still waiting when the screen or the connection
  // goes (or the page is hidden) is sent then.
  const ready = connectionId !== undefined && restoredFor === connectionId;
  const latest = useRef(state);
  useLayoutEffect(() => {
    restoreRef.current = restore;
    latest.current = state;
  });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // The last save is sent as the screen goes; its answer then has no screen to update.
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const flush = useCallback((forConnection: string): void => {
    if (timer.current === null) return;
    clearTimeout(timer.current);
    timer.current = null;
    saveDraft(payload(forConnection, latest.current)).then(
      (answer) => {
        if (!mounted.current) return;
        setSavedAt(answer.savedAt);
        setProblem(null);
      },
      (error: unknown) => {
        if (mounted.current) setProblem(`The draft could not be saved: ${String(error)}`);
      },
    );
  }, []);
  useEffect(() => {
    if (!ready) return;
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => flush(connectionId), SAVE_AFTER_MS);
  }, [ready, connectionId, state.version, flush]);
  useEffect(() => {
    if (!ready) return;
    const onHide = (): void => flush(connectionId);
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      flush(connectionId);
    };
  }, [ready, connectionId, flush]);

  return { restored: ready, problem, savedAt };
}
