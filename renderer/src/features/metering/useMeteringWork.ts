// The unsent work of the metering screen: the editor's records and the open import, with what
// was taken out of the import (into the editor, left out, or merged into an edited record), the
// live validation of the records, and the ready import rows an edited record collides with.
import { useCallback, useMemo, useState } from 'react';
import type { ImportRow } from '../../../../shared/channels/metering';
import { validateRecords, type Product } from '../../../../shared/metering';
import { useImportCollisions, useSentIndex, type ImportCsvDone } from '../../api/metering';
import type { ExcludedRows } from './CsvImport';
import type { ImportRowActions } from './ImportTable';
import type { CollisionActions } from './RecordNotes';
import { fromDraft, recordLabel, toDraft, type EditorRow } from './editor-model';
import { useMeteringDraft, type RestoredDraft } from './useMeteringDraft';

export function useMeteringWork(options: {
  products: readonly Product[];
  now: number;
  connectionId: string | undefined;
}) {
  const { products, now } = options;
  const [rows, setRows] = useState<EditorRow[]>([]);
  const [imported, setImported] = useState<ImportCsvDone | null>(null);
  const [excluded, setExcluded] = useState<ExcludedRows>(new Map());
  // Bumped by every change, so a preview made before it is shown as stale.
  const [version, setVersion] = useState(0);

  const changeRows = useCallback((update: (prev: EditorRow[]) => EditorRow[]) => {
    setRows(update);
    setVersion((v) => v + 1);
  }, []);
  const exclude = useCallback((row: ImportRow, to: 'editor' | 'removed' | 'merged') => {
    setExcluded((prev) => new Map(prev).set(row.index, { status: row.status, to }));
    setVersion((v) => v + 1);
  }, []);

  const drafts = useMemo(
    () =>
      rows.map((r) =>
        toDraft(
          r,
          products.find((p) => p.id === r.productId),
        ),
      ),
    [rows, products],
  );
  const label = useMemo(() => recordLabel(rows), [rows]);
  const firstPass = useMemo(
    () => validateRecords(drafts, { catalog: products, now }, label),
    [drafts, products, now, label],
  );
  const keys = useMemo(
    () => [...new Set(firstPass.flatMap((v) => (v.key === null ? [] : [v.key])))].sort(),
    [firstPass],
  );
  const sent = useSentIndex(keys, options.connectionId);
  const validations = useMemo(
    () =>
      sent.data && sent.data.size > 0
        ? validateRecords(drafts, { catalog: products, now, sentIndex: sent.data }, label)
        : firstPass,
    [sent.data, drafts, products, now, firstPass, label],
  );

  const found = useImportCollisions(imported?.summary.handle, keys);
  const collisions = useMemo(() => {
    const open = new Map<string, ImportRow>();
    for (const [key, row] of found.data ?? []) if (!excluded.has(row.index)) open.set(key, row);
    return open;
  }, [found.data, excluded]);

  const importActions = useMemo<ImportRowActions>(
    () => ({
      edit: (row) => {
        changeRows((prev) => [
          ...prev,
          fromDraft(row.draft, products, { index: row.index, lines: row.lines }),
        ]);
        exclude(row, 'editor');
      },
      remove: (row) => exclude(row, 'removed'),
    }),
    [changeRows, exclude, products],
  );

  const collisionActions = useMemo<CollisionActions>(
    () => ({
      merge: (rowId, importRow, quantity) => {
        changeRows((prev) => prev.map((r) => (r.rowId === rowId ? { ...r, quantity } : r)));
        exclude(importRow, 'merged');
      },
      dropImportRow: (importRow) => exclude(importRow, 'removed'),
      dropRecord: (rowId) => changeRows((prev) => prev.filter((r) => r.rowId !== rowId)),
    }),
    [changeRows, exclude],
  );

  const replaceImport = useCallback((result: ImportCsvDone | null) => {
    setImported(result);
    setExcluded(new Map());
    setVersion((v) => v + 1);
  }, []);

  // Unsent work is kept in main per connection (restored after navigation, reload, restart).
  const restore = useCallback((draft: RestoredDraft) => {
    setRows((prev) => (draft.replace ? draft.rows : [...draft.rows, ...prev]));
    setImported((prev) => (draft.replace ? draft.imported : (draft.imported ?? prev)));
    setExcluded((prev) => (draft.replace || draft.imported ? draft.excluded : prev));
    setVersion((v) => v + 1);
  }, []);
  const draft = useMeteringDraft(
    options.connectionId,
    { rows, imported, excluded, version },
    restore,
  );

  return {
    rows,
    changeRows,
    drafts,
    validations,
    imported,
    replaceImport,
    excluded,
    importActions,
    collisions,
    collisionActions,
    version,
    draft,
  };
}
