// DataTable: the one table of the app (TanStack Table for sort/filter/visibility, TanStack
// Virtual for rows), so every screen's tables behave alike (UX.md "Tables are the heart").
//
// Props:
//   tableId        string. Key under which the visible columns are remembered
//                  (settings.tableColumns[tableId], saved with settings:set).
//   label          string. Accessible name of the grid (tests find it with getByRole('grid')).
//   rows           Row[]. The rows to show (all of them, or the loaded pages of a larger set).
//   columns        DataColumn<Row>[]:
//                    id, header           column id (stable: it is persisted) and its heading
//                    value(row)           the raw value: used to sort, filter and copy
//                    kind                 'text' | 'number' | 'id' | 'time'. number: right-aligned,
//                                         thousands separators, never rounded. id: monospace,
//                                         never reformatted; a long id is cut visually only, with
//                                         the whole value in its tooltip and a copy button.
//                    render(row)          optional custom cell content (value() is still copied)
//                    width                px (defaults by kind)
//                    sortable/filterable  default true
//                    defaultHidden        hidden until the user shows it
//                    alwaysVisible        cannot be hidden
//   getRowId       (row, index) => string; defaults to the index.
//   totalCount     the size of the whole set when `rows` is only what has been loaded.
//   onEndReached   called when the user scrolls near the last loaded row (to load the next page).
//   onRowActivate  Enter or double-click on a row.
//   rowClassName   extra class for a row (e.g. status colouring).
//   emptyMessage   what to show when there are no rows.
//   height         CSS height of the scroll area (default 420px).
//   toolbar        extra controls shown left of the column chooser.
//
// Keyboard: Tab into the grid, arrow keys move between cells (Home/End, PageUp/PageDown,
// Ctrl+Home/End), Ctrl/Cmd+C copies the focused cell's raw value, Enter activates the row.
import {
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type ColumnFiltersState,
  type FilterFn,
  type Row as TableRow,
  type SortingState,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { useSettings, useUpdateSettings } from '../api/queries';
import './DataTable.css';
import { formatNumber } from '../locale';

export type ColumnKind = 'text' | 'number' | 'id' | 'time';
export type CellValue = string | number | null | undefined;

export type DataColumn<Row> = {
  id: string;
  header: string;
  value: (row: Row) => CellValue;
  kind?: ColumnKind;
  render?: (row: Row) => ReactNode;
  width?: number;
  sortable?: boolean;
  filterable?: boolean;
  defaultHidden?: boolean;
  alwaysVisible?: boolean;
};

export type DataTableProps<Row> = {
  tableId: string;
  label: string;
  rows: readonly Row[];
  columns: readonly DataColumn<Row>[];
  getRowId?: (row: Row, index: number) => string;
  totalCount?: number;
  onEndReached?: () => void;
  onRowActivate?: (row: Row) => void;
  rowClassName?: (row: Row) => string | undefined;
  emptyMessage?: ReactNode;
  height?: string;
  toolbar?: ReactNode;
};

const ROW_HEIGHT = 30;
const DEFAULT_WIDTH: Record<ColumnKind, number> = { text: 160, number: 120, id: 230, time: 190 };

/** Thousands separators, every digit kept (the app's one number format). */
export { formatNumber };

function displayText(kind: ColumnKind, value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (kind === 'number' && typeof value === 'number') return formatNumber(value);
  return String(value);
}

/** Text filters match "contains" (case-insensitive); number filters also take >, >=, <, <=, =. */
const smartFilter: FilterFn<unknown> = (row, columnId, filterValue) => {
  const query = typeof filterValue === 'string' ? filterValue.trim() : '';
  if (query === '') return true;
  const value = row.getValue<CellValue>(columnId);
  const compare = /^(>=|<=|>|<|=)\s*(-?\d+(?:\.\d+)?)$/.exec(query);
  if (compare && typeof value === 'number') {
    const n = Number(compare[2]);
    switch (compare[1]) {
      case '>':
        return value > n;
      case '>=':
        return value >= n;
      case '<':
        return value < n;
      case '<=':
        return value <= n;
      default:
        return value === n;
    }
  }
  return String(value ?? '')
    .toLowerCase()
    .includes(query.toLowerCase());
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

export function DataTable<Row>(props: DataTableProps<Row>) {
  const { tableId, label, rows, columns, getRowId, onEndReached, onRowActivate } = props;
  const gridId = useId();
  const settings = useSettings();
  const updateSettings = useUpdateSettings();
  const [sorting, setSorting] = useState<SortingState>([]);
  const [filters, setFilters] = useState<ColumnFiltersState>([]);
  const [active, setActive] = useState<{ row: number; col: number }>({ row: 0, col: 0 });
  const [status, setStatus] = useState('');
  const scrollRef = useRef<HTMLDivElement>(null);

  // The user's last choice shows at once; settings (saved in main) remember it across launches.
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

  const columnDefs = useMemo<ColumnDef<Row, CellValue>[]>(
    () =>
      columns.map((c) => ({
        id: c.id,
        header: c.header,
        accessorFn: (row: Row) => c.value(row),
        enableSorting: c.sortable !== false,
        enableColumnFilter: c.filterable !== false,
        enableHiding: c.alwaysVisible !== true,
        filterFn: smartFilter as FilterFn<Row>,
        sortUndefined: 'last',
      })),
    [columns],
  );

  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Table returns fresh functions each render by design; nothing here is memoized on them.
  const table = useReactTable<Row>({
    data: rows as Row[],
    columns: columnDefs,
    state: { sorting, columnFilters: filters, columnVisibility: visibility },
    onSortingChange: setSorting,
    onColumnFiltersChange: setFilters,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    ...(getRowId ? { getRowId: (row: Row, index: number) => getRowId(row, index) } : {}),
  });

  const visibleColumns = columns.filter((c) => visibility[c.id] !== false);
  const tableRows: TableRow<Row>[] = table.getRowModel().rows;
  const rowCount = tableRows.length;
  const colCount = visibleColumns.length;
  const activeRow = Math.min(active.row, Math.max(0, rowCount - 1));
  const activeCol = Math.min(active.col, Math.max(0, colCount - 1));

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastItem = items[items.length - 1];

  useEffect(() => {
    if (onEndReached && lastItem && lastItem.index >= rowCount - 20) onEndReached();
  }, [lastItem, rowCount, onEndReached]);

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

  const template = visibleColumns
    .map((c) => `${String(c.width ?? DEFAULT_WIDTH[c.kind ?? 'text'])}px`)
    .join(' ');
  const totalWidth = visibleColumns.reduce(
    (sum, c) => sum + (c.width ?? DEFAULT_WIDTH[c.kind ?? 'text']),
    0,
  );

  const cellId = (r: number, c: number): string => `${gridId}-r${String(r)}-c${String(c)}`;

  const copyCell = async (r: number, c: number): Promise<void> => {
    const row = tableRows[r];
    const column = visibleColumns[c];
    if (!row || !column) return;
    const value = column.value(row.original);
    const text = value === null || value === undefined ? '' : String(value);
    const done = await copyText(text);
    setStatus(done ? `Copied ${column.header}: ${text}` : 'Could not copy to the clipboard.');
  };

  const move = (row: number, col: number): void => {
    const r = Math.max(0, Math.min(rowCount - 1, row));
    const c = Math.max(0, Math.min(colCount - 1, col));
    setActive({ row: r, col: c });
    virtualizer.scrollToIndex(r, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    // Keys typed into a filter box or a button inside the grid are theirs.
    if (event.target !== event.currentTarget || rowCount === 0) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
    const mod = event.ctrlKey || event.metaKey;
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        move(activeRow + 1, activeCol);
        break;
      case 'ArrowUp':
        move(activeRow - 1, activeCol);
        break;
      case 'ArrowRight':
        move(activeRow, activeCol + 1);
        break;
      case 'ArrowLeft':
        move(activeRow, activeCol - 1);
        break;
      case 'PageDown':
        move(activeRow + page, activeCol);
        break;
      case 'PageUp':
        move(activeRow - page, activeCol);
        break;
      case 'Home':
        move(mod ? 0 : activeRow, 0);
        break;
      case 'End':
        move(mod ? rowCount - 1 : activeRow, colCount - 1);
        break;
      case 'Enter': {
        const row = tableRows[activeRow];
        if (row && onRowActivate) onRowActivate(row.original);
        else handled = false;
        break;
      }
      default:
        if (mod && event.key.toLowerCase() === 'c') void copyCell(activeRow, activeCol);
        else handled = false;
    }
    if (handled) event.preventDefault();
  };

  const total = props.totalCount ?? rows.length;
  const filtered = filters.some((f) => typeof f.value === 'string' && f.value.trim() !== '');

  return (
    <div className="dt">
      <div className="dt-toolbar">
        <span className="dt-count" aria-live="polite">
          {filtered
            ? `${formatNumber(rowCount)} of ${formatNumber(total)} rows`
            : `${formatNumber(total)} ${total === 1 ? 'row' : 'rows'}`}
          {props.totalCount !== undefined && props.totalCount > rows.length && !filtered
            ? ` (${formatNumber(rows.length)} loaded)`
            : ''}
        </span>
        {props.toolbar}
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
                  onChange={(e) => setVisible(c.id, e.target.checked)}
                />
                {c.header}
              </label>
            ))}
          </fieldset>
        </details>
      </div>
      <div
        ref={scrollRef}
        className="dt-scroll"
        role="grid"
        aria-label={label}
        aria-rowcount={rowCount + 1}
        aria-colcount={colCount}
        aria-activedescendant={rowCount > 0 ? cellId(activeRow, activeCol) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        style={{ height: props.height ?? '420px' }}
      >
        <div className="dt-inner" style={{ width: `${String(totalWidth)}px` }}>
          <div
            className="dt-head"
            role="row"
            aria-rowindex={1}
            style={{ gridTemplateColumns: template }}
          >
            {visibleColumns.map((c, ci) => {
              const column = table.getColumn(c.id);
              const sorted = column?.getIsSorted() ?? false;
              const kind = c.kind ?? 'text';
              return (
                <div
                  key={c.id}
                  role="columnheader"
                  aria-colindex={ci + 1}
                  aria-sort={
                    sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'
                  }
                  className={`dt-th dt-${kind}`}
                >
                  {c.sortable !== false ? (
                    <button
                      type="button"
                      className="dt-sort"
                      onClick={column?.getToggleSortingHandler()}
                      title={`Sort by ${c.header}`}
                    >
                      {c.header}
                      <span aria-hidden="true" className="dt-sort-mark">
                        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                      </span>
                    </button>
                  ) : (
                    <span className="dt-sort">{c.header}</span>
                  )}
                  {c.filterable !== false && (
                    <input
                      className="dt-filter"
                      type="search"
                      aria-label={`Filter ${c.header}`}
                      placeholder={kind === 'number' ? '> 100' : 'Filter'}
                      value={
                        typeof column?.getFilterValue() === 'string'
                          ? (column.getFilterValue() as string)
                          : ''
                      }
                      onChange={(e) => column?.setFilterValue(e.target.value)}
                    />
                  )}
                </div>
              );
            })}
          </div>
          {rowCount === 0 ? (
            <div className="dt-empty" role="row">
              <div role="gridcell">
                {filtered ? 'No rows match the filters.' : (props.emptyMessage ?? 'No rows.')}
              </div>
            </div>
          ) : (
            <div className="dt-body" style={{ height: `${String(virtualizer.getTotalSize())}px` }}>
              {items.map((item) => {
                const row = tableRows[item.index];
                if (!row) return null;
                const extra = props.rowClassName?.(row.original);
                return (
                  <div
                    key={row.id}
                    role="row"
                    aria-rowindex={item.index + 2}
                    className={`dt-row${item.index % 2 === 1 ? ' dt-row-alt' : ''}${extra ? ` ${extra}` : ''}`}
                    style={{
                      transform: `translateY(${String(item.start)}px)`,
                      gridTemplateColumns: template,
                    }}
                    onDoubleClick={onRowActivate ? () => onRowActivate(row.original) : undefined}
                  >
                    {visibleColumns.map((c, ci) => {
                      const kind = c.kind ?? 'text';
                      const raw = c.value(row.original);
                      const text = displayText(kind, raw);
                      const isActive = item.index === activeRow && ci === activeCol;
                      return (
                        <div
                          key={c.id}
                          id={cellId(item.index, ci)}
                          role="gridcell"
                          aria-colindex={ci + 1}
                          className={`dt-td dt-${kind}${isActive ? ' dt-active' : ''}`}
                          title={kind === 'id' || kind === 'text' ? text : undefined}
                          onMouseDown={() => setActive({ row: item.index, col: ci })}
                        >
                          <span className="dt-cell-text">
                            {c.render ? c.render(row.original) : text}
                          </span>
                          {kind === 'id' && text !== '' && (
                            <button
                              type="button"
                              className="dt-copy"
                              tabIndex={-1}
                              aria-label={`Copy ${c.header}`}
                              title={`Copy ${text}`}
                              onClick={() => void copyCell(item.index, ci)}
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
