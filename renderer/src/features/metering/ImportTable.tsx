// The rows of an import, one page at a time from main: needs review (with the reasons, the
// problem and a way into the editor) or ready (with the time left in AWS's window).
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { ImportRow } from '../../../../shared/channels/metering';
import type { Product } from '../../../../shared/metering';
import { fetchImportRows, meteringKeys } from '../../api/metering';
import { DataTable, type DataColumn } from '../../components/DataTable';
import { windowLeft } from './editor-model';
import { REASON_LABEL } from './import-labels';

const PAGE = 500;

/** What a person can do with an imported row: take it into the editor, or leave it out. */
export type ImportRowActions = {
  edit: (row: ImportRow) => void;
  remove: (row: ImportRow) => void;
};

/** A record's file lines as a person reads them: "12", or "12+3" for a record of 3 lines. */
export function lineLabel(row: Pick<ImportRow, 'lines'>): string {
  const [first] = row.lines;
  return row.lines.length > 1 ? `${String(first)} +${String(row.lines.length - 1)}` : String(first);
}

function quantityValue(row: ImportRow): number | string {
  const q = row.draft.quantity;
  if (typeof q === 'number') return q;
  return /^\d+$/.test(q.trim()) ? Number(q) : q;
}

export function ImportTable(props: {
  handle: string;
  filter: 'ready' | 'review';
  initial: ImportRow[];
  total: number;
  excluded: ReadonlyMap<number, unknown>;
  products: readonly Product[];
  now: number;
  actions: ImportRowActions;
}) {
  const { handle, filter, excluded, products, now, actions } = props;
  const query = useInfiniteQuery({
    queryKey: meteringKeys.importRows(handle, filter),
    queryFn: ({ pageParam }) => fetchImportRows({ handle, filter, offset: pageParam, limit: PAGE }),
    initialPageParam: 0,
    initialData: { pages: [{ total: props.total, rows: props.initial }], pageParams: [0] },
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.rows.length, 0);
      return loaded < last.total ? loaded : undefined;
    },
    staleTime: Infinity,
  });
  const loaded = useMemo(() => query.data.pages.flatMap((p) => p.rows), [query.data]);
  const rows = useMemo(() => loaded.filter((r) => !excluded.has(r.index)), [loaded, excluded]);
  const names = useMemo(() => new Map(products.map((p) => [p.id, p.name])), [products]);

  const columns = useMemo<DataColumn<ImportRow>[]>(() => {
    const base: DataColumn<ImportRow>[] = [
      {
        id: 'lines',
        header: 'Line',
        kind: 'number',
        width: 70,
        value: (r) => r.lines[0],
        render: lineLabel,
      },
      {
        id: 'product',
        header: 'Product',
        width: 150,
        value: (r) =>
          r.draft.productId !== undefined
            ? (names.get(r.draft.productId) ?? r.draft.productId)
            : (r.draft.productCode ?? ''),
      },
      {
        id: 'customer',
        header: 'Customer',
        kind: 'id',
        width: 170,
        value: (r) => r.draft.customerAwsAccountId ?? r.draft.customerIdentifier ?? '',
      },
      {
        id: 'license',
        header: 'License ARN',
        kind: 'id',
        width: 230,
        defaultHidden: true,
        value: (r) => r.draft.licenseArn ?? '',
      },
      { id: 'dimension', header: 'Dimension', width: 130, value: (r) => r.draft.dimension },
      { id: 'quantity', header: 'Quantity', kind: 'number', width: 110, value: quantityValue },
      {
        id: 'timestamp',
        header: 'Usage hour (UTC)',
        kind: 'id',
        width: 200,
        value: (r) => r.draft.timestamp,
      },
    ];
    if (filter === 'review') {
      base.splice(
        1,
        0,
        {
          id: 'reasons',
          header: 'Reasons',
          width: 140,
          value: (r) => r.reasons.map((x) => REASON_LABEL[x]).join(', '),
        },
        {
          id: 'problem',
          header: 'Problem',
          width: 340,
          value: (r) => {
            const first = r.issues.find((i) => i.severity === 'error') ?? r.issues[0];
            return first ? first.message : '';
          },
        },
        {
          id: 'cells',
          header: 'Cells as read',
          kind: 'id',
          width: 300,
          value: (r) => (r.cells ? r.cells.map((c) => `[${c}]`).join(' ') : ''),
        },
        {
          id: 'fix',
          header: 'Fix',
          width: 104,
          sortable: false,
          filterable: false,
          alwaysVisible: true,
          value: () => 'Fix in editor',
          render: (r) => (
            <button
              type="button"
              className="md-small"
              tabIndex={-1}
              aria-label={`Fix line ${String(r.lines[0])} in the editor`}
              onClick={() => actions.edit(r)}
            >
              Fix in editor
            </button>
          ),
        },
      );
    } else {
      base.push({
        id: 'window',
        header: 'Window',
        width: 170,
        value: (r) => (r.deadlineMs === null ? '' : windowLeft(r.deadlineMs, now)),
      });
      base.push({
        id: 'warnings',
        header: 'Notes',
        width: 260,
        defaultHidden: false,
        value: (r) => r.issues.map((i) => i.message).join(' '),
      });
      base.push({
        id: 'actions',
        header: 'Change',
        width: 150,
        sortable: false,
        filterable: false,
        alwaysVisible: true,
        value: () => 'Edit Remove',
        render: (r) => (
          <span className="md-row-buttons">
            <button
              type="button"
              className="md-small"
              tabIndex={-1}
              aria-label={`Edit line ${String(r.lines[0])} in the editor`}
              onClick={() => actions.edit(r)}
            >
              Edit
            </button>
            <button
              type="button"
              className="md-small"
              tabIndex={-1}
              aria-label={`Leave line ${String(r.lines[0])} out`}
              onClick={() => actions.remove(r)}
            >
              Remove
            </button>
          </span>
        ),
      });
    }
    return base;
  }, [filter, names, now, actions]);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const onEndReached = useMemo(
    () => () => {
      if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
    },
    [hasNextPage, isFetchingNextPage, fetchNextPage],
  );

  return (
    <DataTable
      tableId={`metering-import-${filter}`}
      label={filter === 'review' ? 'Rows that need review' : 'Rows ready to send'}
      rows={rows}
      columns={columns}
      getRowId={(r) => String(r.index)}
      totalCount={props.total - (loaded.length - rows.length)}
      onEndReached={onEndReached}
      onRowActivate={actions.edit}
      rowClassName={(r) => (r.status === 'review' ? 'md-row-review' : undefined)}
      height="300px"
      emptyMessage={filter === 'review' ? 'Nothing needs review.' : 'No ready rows.'}
    />
  );
}
