// Keyboard movement in a DataGrid, the way spreadsheets move: arrows between cells, Home/End in
// the row, Ctrl+Home/End to the ends, PageUp/PageDown, Ctrl/Cmd+C copies the focused cell's raw
// value, Enter activates the row. The active cell is announced through aria-activedescendant.
import { useState, type KeyboardEvent, type RefObject } from 'react';
import { ROW_HEIGHT } from './data-columns';

export type GridPosition = { row: number; col: number };

type GridKeyboardOptions = {
  rowCount: number;
  colCount: number;
  scrollRef: RefObject<HTMLDivElement | null>;
  /** Scrolls the row into view (the virtualizer's scrollToIndex). */
  reveal: (row: number) => void;
  onActivate: (row: number) => boolean;
  onCopy: (position: GridPosition) => void;
};

export function useGridKeyboard(options: GridKeyboardOptions) {
  const { rowCount, colCount, scrollRef, reveal, onActivate, onCopy } = options;
  const [active, setActive] = useState<GridPosition>({ row: 0, col: 0 });
  const row = Math.min(active.row, Math.max(0, rowCount - 1));
  const col = Math.min(active.col, Math.max(0, colCount - 1));

  const move = (nextRow: number, nextCol: number): void => {
    const r = Math.max(0, Math.min(rowCount - 1, nextRow));
    const c = Math.max(0, Math.min(colCount - 1, nextCol));
    setActive({ row: r, col: c });
    reveal(r);
  };

  const targets = (key: string, mod: boolean, page: number): GridPosition | null => {
    switch (key) {
      case 'ArrowDown':
        return { row: row + 1, col };
      case 'ArrowUp':
        return { row: row - 1, col };
      case 'ArrowRight':
        return { row, col: col + 1 };
      case 'ArrowLeft':
        return { row, col: col - 1 };
      case 'PageDown':
        return { row: row + page, col };
      case 'PageUp':
        return { row: row - page, col };
      case 'Home':
        return { row: mod ? 0 : row, col: 0 };
      case 'End':
        return { row: mod ? rowCount - 1 : row, col: colCount - 1 };
      default:
        return null;
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    // Keys typed into a filter box or a control inside the grid are theirs.
    if (event.target !== event.currentTarget || rowCount === 0) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
    const mod = event.ctrlKey || event.metaKey;
    const target = targets(event.key, mod, page);
    let handled = true;
    if (target) move(target.row, target.col);
    else if (event.key === 'Enter') handled = onActivate(row);
    else if (mod && event.key.toLowerCase() === 'c') onCopy({ row, col });
    else handled = false;
    if (handled) event.preventDefault();
  };

  return { active: { row, col }, setActive, reset: () => setActive({ row: 0, col: 0 }), onKeyDown };
}
