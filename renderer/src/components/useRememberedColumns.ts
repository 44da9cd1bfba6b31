// Which columns of a table are shown, remembered across launches in settings.tableColumns under
// the table's id; the user's last choice shows at once while it is being saved in main.
import { useCallback, useMemo, useState } from 'react';
import type { VisibilityState } from '@tanstack/react-table';
import { useSettings, useUpdateSettings } from '../api/queries';

type ColumnChoice = { id: string; defaultHidden?: boolean; alwaysVisible?: boolean };

export function useRememberedColumns(tableId: string, columns: readonly ColumnChoice[]) {
  const settings = useSettings();
  const updateSettings = useUpdateSettings();
  const [chosen, setChosen] = useState<string[] | null>(null);
  const saved = chosen ?? settings.data?.tableColumns[tableId];
  const visibility = useMemo<VisibilityState>(() => {
    const state: VisibilityState = {};
    for (const c of columns) {
      state[c.id] =
        c.alwaysVisible === true || (saved ? saved.includes(c.id) : c.defaultHidden !== true);
    }
    return state;
  }, [columns, saved]);

  const setVisible = useCallback(
    (columnId: string, visible: boolean): void => {
      const next = columns
        .filter((c) => (c.id === columnId ? visible : visibility[c.id] !== false))
        .map((c) => c.id);
      setChosen(next);
      updateSettings.mutate({
        tableColumns: { ...(settings.data?.tableColumns ?? {}), [tableId]: next },
      });
    },
    [columns, visibility, updateSettings, settings.data, tableId],
  );

  return { visibility, setVisible };
}
