// DataGrid: the one grid of the app, with a sticky header (sort and filter per column, driven by
// a TanStack Table), virtualized 30 px rows (TanStack Virtual), a remembered column choice,
// copy-a-cell and spreadsheet keys. It draws whatever rows `rowAt` gives: DataTable hands it the
// rows it sorted and filtered in memory; server-windowed tables (the audit explorer) hand it the
// pages main sent for the rows on screen, and sort and filter through TanStack's manual mode.
import type { Table, VisibilityState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { columnWidth, displayText, ROW_HEIGHT, type DataColumn } from './data-columns';
import { DataGridHeader } from './DataGridHeader';
import { useGridKeyboard, type GridPosition } from './useGridKeyboard';
import './DataTable.css';

export type DataGridProps<Row> = {
  table: Table<Row>;
  /** Every column, in order (the chooser lists them all). */
  columns: readonly DataColumn<Row>[];
  visibility: VisibilityState;
  onVisibilityChange: (columnId: string, visible: boolean) => void;
  /** Accessible name of the grid (tests find it with getByRole('grid')). */
  label: string;
  rowCount: number;
  /** The row at a position, or undefined while its page is being fetched. */
  rowAt: (index: number) => Row | undefined;
  rowKey: (index: number, row: Row | undefined) => string;
  /** "1,234 rows", "12 of 40 rows"… */
  countText: ReactNode;
  toolbar?: ReactNode;
  emptyMessage: ReactNode;
  height?: string | undefined;
  /** Enter or double-click on a row. */
  onRowActivate?: ((row: Row) => void) | undefined;
  /** A click on a row (besides making its cell the active one). */
  onRowClick?: ((row: Row) => void) | undefined;
  rowClassName?: ((row: Row) => string | undefined) | undefined;
  isRowSelected?: ((row: Row) => boolean) | undefined;
  invalidFilters?: ReadonlySet<string> | undefined;
  /** The rows under the viewport (with overscan) changed: fetch their pages. */
  onVisibleRange?: ((first: number, last: number) => void) | undefined;
  /** A new question (filter, sort) starts at the top. */
  resetKey?: string | undefined;
};

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Refused (permissions, no focus): say so rather than pretend.
    return false;
  }
}

function ColumnChooser<Row>({
  label,
  columns,
  visibility,
  onChange,
}: {
  label: string;
  columns: readonly DataColumn<Row>[];
  visibility: VisibilityState;
  onChange: (columnId: string, visible: boolean) => void;
}) {
  return (
    <details className="dt-columns">
      <summary>Columns</summary>
      <fieldset className="dt-columns-menu">
        <legend className="visually-hidden">Columns shown in {label}</legend>
        {columns.map((c) => (
          <label key={c.id}>
            <input
              type="checkbox"
              checked={visibility[c.id] !== false}
              disabled={c.alwaysVisible === true}
              onChange={(e) => onChange(c.id, e.target.checked)}
            />
            {c.header}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

export function DataGrid<Row>(props: DataGridProps<Row>) {
  const { table, columns, visibility, label, rowCount, rowAt, rowKey } = props;
  const gridId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState('');
  const visible = columns.filter((c) => visibility[c.id] !== false);

  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions each render by design; nothing here is memoized on them.
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();

  const copyCell = async ({ row, col }: GridPosition): Promise<void> => {
    const found = rowAt(row);
    const column = visible[col];
    if (!found || !column) return;
    const value = column.value(found);
    const text = value === null || value === undefined ? '' : String(value);
    const done = await copyText(text);
    setStatus(done ? `Copied ${column.header}: ${text}` : 'Could not copy to the clipboard.');
  };

  const keyboard = useGridKeyboard({
    rowCount,
    colCount: visible.length,
    scrollRef,
    reveal: (row) => virtualizer.scrollToIndex(row, { align: 'auto' }),
    onActivate: (row) => {
      const found = rowAt(row);
      if (!found || !props.onRowActivate) return false;
      props.onRowActivate(found);
      return true;
    },
    onCopy: (position) => void copyCell(position),
  });

  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { onVisibleRange, resetKey } = props;
  useEffect(() => {
    onVisibleRange?.(first, last);
  }, [first, last, onVisibleRange]);
  const { reset } = keyboard;
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    reset();
    // Only a new question resets; `reset` is stable in effect (it only sets state).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [resetKey]);

  const template = visible.map((c) => `${String(columnWidth(c))}px`).join(' ');
  const totalWidth = visible.reduce((sum, c) => sum + columnWidth(c), 0);
  const cellId = (r: number, c: number): string => `${gridId}-r${String(r)}-c${String(c)}`;
  const { row: activeRow, col: activeCol } = keyboard.active;

  return (
    <div className="dt">
      <div className="dt-toolbar">
        <span className="dt-count" aria-live="polite">
          {props.countText}
        </span>
        {props.toolbar}
        <ColumnChooser
          label={label}
          columns={columns}
          visibility={visibility}
          onChange={props.onVisibilityChange}
        />
      </div>
      <div
        ref={scrollRef}
        className="dt-scroll"
        role="grid"
        aria-label={label}
        aria-rowcount={rowCount + 1}
        aria-colcount={visible.length}
        aria-activedescendant={rowCount > 0 ? cellId(activeRow, activeCol) : undefined}
        tabIndex={0}
        onKeyDown={keyboard.onKeyDown}
        style={{ height: props.height ?? '420px' }}
      >
        <div className="dt-inner" style={{ width: `${String(totalWidth)}px` }}>
          <DataGridHeader
            table={table}
            columns={visible}
            template={template}
            invalidFilters={props.invalidFilters}
          />
          {rowCount === 0 ? (
            <div className="dt-empty" role="row">
              <div role="gridcell">{props.emptyMessage}</div>
            </div>
          ) : (
            <div className="dt-body" style={{ height: `${String(virtualizer.getTotalSize())}px` }}>
              {items.map((item) => {
                const row = rowAt(item.index);
                const extra = row === undefined ? 'dt-row-loading' : props.rowClassName?.(row);
                const selected = row !== undefined && props.isRowSelected?.(row) === true;
                return (
                  <div
                    key={rowKey(item.index, row)}
                    role="row"
                    aria-rowindex={item.index + 2}
                    aria-selected={props.isRowSelected ? selected : undefined}
                    className={`dt-row${item.index % 2 === 1 ? ' dt-row-alt' : ''}${selected ? ' dt-row-selected' : ''}${extra ? ` ${extra}` : ''}`}
                    style={{
                      transform: `translateY(${String(item.start)}px)`,
                      gridTemplateColumns: template,
                    }}
                    onClick={row && props.onRowClick ? () => props.onRowClick?.(row) : undefined}
                    onDoubleClick={
                      row && props.onRowActivate ? () => props.onRowActivate?.(row) : undefined
                    }
                  >
                    {visible.map((c, ci) => {
                      const kind = c.kind ?? 'text';
                      const text = row === undefined ? '' : displayText(kind, c.value(row));
                      const isActive = item.index === activeRow && ci === activeCol;
                      return (
                        <div
                          key={c.id}
                          id={cellId(item.index, ci)}
                          role="gridcell"
                          aria-colindex={ci + 1}
                          className={`dt-td dt-${kind}${isActive ? ' dt-active' : ''}`}
                          title={kind === 'id' || kind === 'text' ? text : undefined}
                          onMouseDown={() => keyboard.setActive({ row: item.index, col: ci })}
                        >
                          <span className="dt-cell-text">
                            {row === undefined
                              ? ci === 0
                                ? '…'
                                : ''
                              : c.render
                                ? c.render(row)
                                : text}
                          </span>
                          {kind === 'id' && text !== '' && (
                            <button
                              type="button"
                              className="dt-copy"
                              tabIndex={-1}
                              aria-label={`Copy ${c.header}`}
                              title={`Copy ${text}`}
                              onClick={() => void copyCell({ row: item.index, col: ci })}
                            >
                              ⧉
                            </button>
                          )}
                        </div>
                      );
                    })}
                  </div>
                );
              })}
            </div>
          )}
        </div>
      </div>
      <p className="visually-hidden" role="status">
        {status}
      </p>
    </div>
  );
}
