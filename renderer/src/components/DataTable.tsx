// DataTable: a DataGrid over rows held in memory; TanStack Table sorts and filters them here.
//
// Props:
//   tableId        string. Key under which the visible columns are remembered
//                  (settings.tableColumns[tableId], saved with settings:set).
//   label          string. Accessible name of the grid (tests find it with getByRole('grid')).
//   rows           Row[]. The rows to show (all of them, or the loaded pages of a larger set).
//   columns        DataColumn<Row>[] (see data-columns.ts): id, header, value, kind, render,
//                  width, sortable/filterable, defaultHidden, alwaysVisible.
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
  type SortingState,
} from '@tanstack/react-table';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { DataGrid } from './DataGrid';
import { formatNumber, type CellValue, type DataColumn } from './data-columns';
import { useRememberedColumns } from './useRememberedColumns';

export { formatNumber };
export type { CellValue, ColumnKind, DataColumn } from './data-columns';

export type DataTableProps<Row> = {
  tableId: string;
  label: string;
  rows: readonly Row[];
  columns: readonly DataColumn<Row>[];
  getRowId?: (row: Row, index: number) => string;
  totalCount?: number;
  onEndReached?: () => void;
  onRowActivate?: ((row: Row) => void) | undefined;
  rowClassName?: (row: Row) => string | undefined;
  emptyMessage?: ReactNode;
  height?: string;
  toolbar?: ReactNode;
};

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

export function DataTable<Row>(props: DataTableProps<Row>) {
  const { tableId, label, rows, columns, getRowId, onEndReached } = props;
  const [sorting, setSorting] = useState<SortingState>([]);
  const [filters, setFilters] = useState<ColumnFiltersState>([]);
  const { visibility, setVisible } = useRememberedColumns(tableId, columns);

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
        ...(c.sortDescFirst === true ? { sortDescFirst: true } : {}),
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
  const tableRows = table.getRowModel().rows;
  const rowCount = tableRows.length;

  const onVisibleRange = useCallback(
    (_first: number, last: number) => {
      if (onEndReached && last >= rowCount - 20) onEndReached();
    },
    [onEndReached, rowCount],
  );

  const total = props.totalCount ?? rows.length;
  const filtered = filters.some((f) => typeof f.value === 'string' && f.value.trim() !== '');
  const countText = `${
    filtered
      ? `${formatNumber(rowCount)} of ${formatNumber(total)} rows`
      : `${formatNumber(total)} ${total === 1 ? 'row' : 'rows'}`
  }${
    props.totalCount !== undefined && props.totalCount > rows.length && !filtered
      ? ` (${formatNumber(rows.length)} loaded)`
      : ''
  }`;

  return (
    <DataGrid
      table={table}
      columns={columns}
      visibility={visibility}
      onVisibilityChange={setVisible}
      label={label}
      rowCount={rowCount}
      rowAt={(index) => tableRows[index]?.original}
      rowKey={(index) => tableRows[index]?.id ?? String(index)}
      countText={countText}
      toolbar={props.toolbar}
      emptyMessage={filtered ? 'No rows match the filters.' : (props.emptyMessage ?? 'No rows.')}
      height={props.height}
      onRowActivate={props.onRowActivate}
      rowClassName={props.rowClassName}
      onVisibleRange={onVisibleRange}
    />
  );
}
