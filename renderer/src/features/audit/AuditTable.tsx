// The explorer's table: a DataGrid in TanStack Table's manual mode. Sorting and filtering run in
// main (`audit:query` over the whole cache); the grid spans every matching row and asks only for
// the pages under the viewport (offset/limit), so the bridge carries a few hundred rows at a time
// whatever the cache holds.
import { useQueries } from '@tanstack/react-query';
import {
  getCoreRowModel,
  useReactTable,
  type ColumnFiltersState,
  type SortingState,
  type Updater,
} from '@tanstack/react-table';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { AuditColumn, AuditFilter, AuditSort } from '../../../../shared/audit';
import type { AuditExplorerRow } from '../../../../shared/channels/audit';
import { auditWindowQuery } from '../../api/audit';
import { DataGrid } from '../../components/DataGrid';
import { formatNumber } from '../../components/data-columns';
import { useRememberedColumns } from '../../components/useRememberedColumns';
import { auditColumns, isServerColumn } from './audit-columns';
import type { ColumnFilters } from './filters';

const PAGE = 100;
const NO_ROWS: AuditExplorerRow[] = [];

export type AuditTableProps = {
  filter: AuditFilter;
  sort: AuditSort | undefined;
  onSort: (sort: AuditSort | undefined) => void;
  columnFilters: ColumnFilters;
  invalidFilters: readonly AuditColumn[];
  onColumnFilter: (column: AuditColumn, value: string) => void;
  selected: string | null;
  onSelect: (row: AuditExplorerRow) => void;
  picked: readonly string[];
  onPick: (eventId: string, picked: boolean) => void;
  /** Names for customer ids, where the app knows them. */
  customerName?: ((row: AuditExplorerRow) => string | undefined) | undefined;
  onTotal?: (total: number) => void;
  toolbar?: ReactNode;
};

function resolve<T>(updater: Updater<T>, current: T): T {
  return typeof updater === 'function' ? (updater as (old: T) => T)(current) : updater;
}

/** The pages of rows for the visible range, and the total the server counted. */
function useWindow(filter: AuditFilter, sort: AuditSort | undefined) {
  const [range, setRange] = useState({ first: 0, last: 40 });
  const pages = useMemo(() => {
    const first = Math.floor(range.first / PAGE);
    const last = Math.floor(Math.max(range.first, range.last) / PAGE);
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  }, [range.first, range.last]);
  const results = useQueries({
    queries: pages.map((page) => auditWindowQuery(filter, sort, page, PAGE)),
  });
  // The total survives page changes: the last answer that had one (kept while rendering, as
  // React recommends for state derived from a changing input).
  const [total, setTotal] = useState<number | null>(null);
  const answered = results.map((r) => r.data?.total).find((t) => t !== undefined);
  if (answered !== undefined && answered !== total) setTotal(answered);
  const rowAt = (index: number): AuditExplorerRow | undefined => {
    const page = Math.floor(index / PAGE);
    const at = pages.indexOf(page);
    return at >= 0 ? results[at]?.data?.rows[index - page * PAGE] : undefined;
  };
  const onVisibleRange = useCallback((first: number, last: number) => {
    setRange((r) => (r.first === first && r.last === last ? r : { first, last }));
  }, []);
  return {
    total,
    rowAt,
    onVisibleRange,
    loading: results.some((r) => r.isFetching),
    error: results.find((r) => r.error)?.error,
  };
}

export function AuditTable(props: AuditTableProps) {
  const { filter, sort, columnFilters, onPick, picked } = props;
  const columns = useMemo(
    () => auditColumns({ picked, onPick, customerName: props.customerName }),
    [picked, onPick, props.customerName],
  );
  const { visibility, setVisible } = useRememberedColumns('audit-explorer', columns);
  const rows = useWindow(filter, sort);
  const { onTotal } = props;
  useEffect(() => {
    if (rows.total !== null) onTotal?.(rows.total);
  }, [rows.total, onTotal]);

  const sorting: SortingState = sort ? [{ id: sort.column, desc: sort.direction === 'desc' }] : [];
  const filters: ColumnFiltersState = Object.entries(columnFilters)
    .filter(([, value]) => value !== '')
    .map(([id, value]) => ({ id, value }));

  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Table returns fresh functions each render by design; nothing here is memoized on them.
  const table = useReactTable<AuditExplorerRow>({
    data: NO_ROWS,
    columns: columns.map((c) => ({
      id: c.id,
      header: c.header,
      accessorFn: (row: AuditExplorerRow) => c.value(row),
      enableSorting: c.sortable !== false,
      enableColumnFilter: c.filterable !== false,
      sortDescFirst: c.sortDescFirst === true,
    })),
    state: { sorting, columnFilters: filters, columnVisibility: visibility },
    manualSorting: true,
    manualFiltering: true,
    enableMultiSort: false,
    getCoreRowModel: getCoreRowModel(),
    onSortingChange: (updater) => {
      const next = resolve(updater, sorting)[0];
      props.onSort(
        next && isServerColumn(next.id)
          ? { column: next.id, direction: next.desc ? 'desc' : 'asc' }
          : undefined,
      );
    },
    onColumnFiltersChange: (updater) => {
      const next = resolve(updater, filters);
      const value = (id: string): string => {
        const v = next.find((f) => f.id === id)?.value;
        return typeof v === 'string' ? v : '';
      };
      for (const c of columns) {
        if (!isServerColumn(c.id)) continue;
        if (value(c.id) !== (columnFilters[c.id] ?? '')) props.onColumnFilter(c.id, value(c.id));
      }
    },
  });

  const count = rows.total ?? 0;
  const countText = `${rows.total === null ? 'Counting…' : `${formatNumber(count)} ${count === 1 ? 'row' : 'rows'}`}${rows.loading ? ' · loading' : ''}`;

  return (
    <div className="audit-table">
      {rows.error && (
        <p className="audit-error" role="alert">
          Could not read rows: {rows.error.message}
        </p>
      )}
      <DataGrid
        table={table}
        columns={columns}
        visibility={visibility}
        onVisibilityChange={setVisible}
        label="CloudTrail usage records"
        rowCount={count}
        rowAt={rows.rowAt}
        rowKey={(index) => `r${String(index)}`}
        countText={countText}
        toolbar={props.toolbar}
        emptyMessage={
          rows.total === null
            ? 'Reading the cache…'
            : 'No usage records match. Sync CloudTrail, or loosen the filters.'
        }
        height="min(62vh, 640px)"
        onRowClick={props.onSelect}
        onRowActivate={props.onSelect}
        isRowSelected={(row) => row.eventId === props.selected}
        rowClassName={(row) => (row.sent ? 'audit-row-sent' : undefined)}
        invalidFilters={new Set(props.invalidFilters)}
        onVisibleRange={rows.onVisibleRange}
        resetKey={JSON.stringify([filter, sort])}
      />
    </div>
  );
}
