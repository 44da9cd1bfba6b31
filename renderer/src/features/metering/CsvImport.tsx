// CSV import: choose a file, main parses, validates and (optionally) aggregates it, and the
// result comes back as a summary plus pages of "needs review" and "ready" rows.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useId, useMemo, useState, type ChangeEvent } from 'react';
import type { ImportRow } from '../../../../shared/channels/metering';
import type { Product } from '../../../../shared/metering';
import {
  fetchImportRows,
  meteringKeys,
  useCsvTemplate,
  useImportCsv,
  type ImportCsvDone,
} from '../../api/metering';
import { DataTable, formatNumber, type DataColumn } from '../../components/DataTable';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { Tabs } from '../../components/Tabs';
import { windowLeft } from './editor-model';
import { downloadText } from '../../components/download';

const REASON_LABEL: Record<string, string> = {
  invalid: 'Invalid',
  duplicate: 'Duplicate in file',
  window: 'Outside the window',
  'already-sent': 'Already sent',
};

type Props = {
  products: readonly Product[];
  imported: ImportCsvDone | null;
  excluded: ReadonlySet<number>;
  now: number;
  onImported: (result: ImportCsvDone) => void;
  onFix: (row: ImportRow) => void;
  onDiscard: () => void;
};

export function CsvImport({
  products,
  imported,
  excluded,
  now,
  onImported,
  onFix,
  onDiscard,
}: Props) {
  const id = useId();
  const [aggregate, setAggregate] = useState(false);
  const [defaultProductId, setDefaultProductId] = useState('');
  const [view, setView] = useState<'review' | 'ready'>('review');
  const importCsv = useImportCsv();
  const template = useCsvTemplate();

  const onFile = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const text = await file.text();
    importCsv.mutate(
      {
        text,
        fileName: file.name,
        aggregate,
        ...(defaultProductId !== '' ? { defaultProductId } : {}),
      },
      {
        onSuccess: (result) => {
          setView(result.summary.review > 0 ? 'review' : 'ready');
          onImported(result);
        },
      },
    );
  };

  const downloadTemplate = (): void => {
    template.mutate(defaultProductId === '' ? undefined : defaultProductId, {
      onSuccess: (file) => downloadText(file.fileName, file.text, 'text/csv;charset=utf-8'),
    });
  };

  const summary = imported?.summary;
  return (
    <section className="panel md-import" aria-labelledby={`${id}-h`}>
      <div className="md-panel-head">
        <h2 id={`${id}-h`}>Import CSV</h2>
        <span className="md-muted">
          Columns: product, customer_aws_account_id, license_arn, customer_identifier, dimension,
          quantity, timestamp (any letter case; comma, semicolon or tab; tag:&lt;key&gt; columns
          become allocations).
        </span>
      </div>
      <div className="md-import-controls">
        <Field label="CSV file">
          {(control) => (
            <input
              {...control}
              type="file"
              accept=".csv,.txt,text/csv"
              onChange={(e) => void onFile(e)}
              disabled={importCsv.isPending}
            />
          )}
        </Field>
        <Field label="Product for rows without one">
          {(control) => (
            <select
              {...control}
              value={defaultProductId}
              onChange={(e) => setDefaultProductId(e.target.value)}
            >
              <option value="">None (the file names it)</option>
              {products.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label
          className="md-check"
          title="AWS keeps only the first record per customer, dimension and hour; summing on our side bills the whole usage."
        >
          <input
            type="checkbox"
            checked={aggregate}
            onChange={(e) => setAggregate(e.target.checked)}
          />
          Aggregate to one record per customer, dimension and hour (sum quantities)
        </label>
        <button type="button" onClick={downloadTemplate} disabled={template.isPending}>
          Download template
        </button>
      </div>
      {importCsv.isPending && <p className="md-muted">Reading and checking the file…</p>}
      {importCsv.error && (
        <ErrorPanel
          title="The file could not be imported"
          error={toDisplayableError(importCsv.error)}
        />
      )}
      {template.error && <ErrorPanel error={toDisplayableError(template.error)} />}
      {summary && (
        <>
          <div className="md-import-summary" role="status">
            <strong>{summary.fileName}</strong>: {formatNumber(summary.fileRows)} rows
            {summary.aggregated
              ? ` → ${formatNumber(summary.records)} records (${formatNumber(summary.rowsMerged)} rows summed into others)`
              : ''}
            {' · '}
            <span className="md-ok">{formatNumber(summary.ready)} ready</span>
            {' · '}
            <span className={summary.review > 0 ? 'md-bad' : ''}>
              {formatNumber(summary.review)} need review
            </span>
            {summary.review > 0 && (
              <span className="md-muted">
                {' '}
                (
                {Object.entries(summary.byReason)
                  .filter(([, n]) => n > 0)
                  .map(([r, n]) => `${REASON_LABEL[r] ?? r}: ${formatNumber(n)}`)
                  .join(', ')}
                )
              </span>
            )}
            {excluded.size > 0 && (
              <span className="md-muted"> · {formatNumber(excluded.size)} moved to the editor</span>
            )}
            <span className="md-muted"> · checked in {formatNumber(summary.milliseconds)} ms</span>
            <button type="button" className="md-link" onClick={onDiscard}>
              Discard import
            </button>
          </div>
          {summary.aggregated && summary.rowsMerged > 0 && (
            <p className="md-note">
              Aggregated: AWS bills only the first record per customer, dimension and hour, so rows
              for the same hour were summed into one record stamped at the start of that hour. The
              Lines column shows which file lines each record came from.
            </p>
          )}
          {summary.notices.length > 0 && (
            <ul className="md-notices">
              {summary.notices.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          <Tabs
            label="Imported rows"
            tabs={[
              {
                id: 'review',
                label: `Needs review (${formatNumber(summary.review - excluded.size)})`,
              },
              { id: 'ready', label: `Ready (${formatNumber(summary.ready)})` },
            ]}
            selected={view}
            onSelect={setView}
          >
            <ImportTable
              key={`${summary.handle}-${view}`}
              handle={summary.handle}
              filter={view}
              initial={view === 'review' ? imported.review : imported.ready}
              total={view === 'review' ? summary.review : summary.ready}
              excluded={excluded}
              products={products}
              now={now}
              onFix={onFix}
            />
          </Tabs>
        </>
      )}
    </section>
  );
}

const PAGE = 500;

function quantityValue(row: ImportRow): number | string {
  const q = row.draft.quantity;
  if (typeof q === 'number') return q;
  return /^\d+$/.test(q.trim()) ? Number(q) : q;
}

function ImportTable(props: {
  handle: string;
  filter: 'ready' | 'review';
  initial: ImportRow[];
  total: number;
  excluded: ReadonlySet<number>;
  products: readonly Product[];
  now: number;
  onFix: (row: ImportRow) => void;
}) {
  const { handle, filter, excluded, products, now, onFix } = props;
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
        render: (r) =>
          r.lines.length > 1
            ? `${String(r.lines[0])} +${String(r.lines.length - 1)}`
            : String(r.lines[0]),
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
          value: (r) => r.reasons.map((x) => REASON_LABEL[x] ?? x).join(', '),
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
              onClick={() => onFix(r)}
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
    }
    return base;
  }, [filter, names, now, onFix]);

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
      onRowActivate={filter === 'review' ? onFix : undefined}
      rowClassName={(r) => (r.status === 'review' ? 'md-row-review' : undefined)}
      height="300px"
      emptyMessage={filter === 'review' ? 'Nothing needs review.' : 'No ready rows.'}
    />
  );
}
