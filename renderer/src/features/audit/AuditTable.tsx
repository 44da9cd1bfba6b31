// The explorer's table: server-windowed. The virtualizer spans every matching row (a million is
// fine), and only the pages under the viewport are asked for (`audit:query` offset/limit), so the
// bridge carries a few hundred rows at a time whatever the cache holds. Sorting and filtering
// run in main; this component only says what it wants. Looks and keys like DataTable.
import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import type { AuditColumn, AuditFilter, AuditSort } from '../../../../shared/audit';
import type { AuditExplorerRow } from '../../../../shared/channels/audit';
import { auditWindowQuery } from '../../api/audit';
import { useSettings, useUpdateSettings } from '../../api/queries';
import { formatNumber } from '../../components/DataTable';
import '../../components/DataTable.css';
import type { ColumnFilters } from './filters';
import { formatUtc, localTime } from './format';

const ROW_HEIGHT = 30;
const PAGE = 100;
const TABLE_ID = 'audit-explorer';

type Kind = 'text' | 'number' | 'id' | 'time';

type Column = {
  id: AuditColumn | 'sent' | 'pick';
  header: string;
  kind: Kind;
  width: number;
  value: (row: AuditExplorerRow) => string | number | null | undefined;
  render?: (row: AuditExplorerRow) => ReactNode;
  /** Server-side column (sortable and filterable); the others are display only. */
  server: boolean;
  defaultHidden?: boolean;
};

const customerOf = (r: AuditExplorerRow): string =>
  r.customerAwsAccountId ?? r.customerIdentifier ?? '';

export const AUDIT_COLUMNS: readonly Column[] = [
  {
    id: 'eventTime',
    header: 'Event time (UTC)',
    kind: 'time',
    width: 170,
    server: true,
    value: (r) => r.eventTime,
    render: (r) => <span title={`Local: ${localTime(r.eventTime)}`}>{formatUtc(r.eventTime)}</span>,
  },
  {
    id: 'usageHour',
    header: 'Usage hour (UTC)',
    kind: 'time',
    width: 150,
    server: true,
    value: (r) => r.usageHour,
    render: (r) =>
      r.usageHour === null ? (
        '—'
      ) : (
        <span title={`Local: ${localTime(r.usageHour)}`}>{formatUtc(r.usageHour, true)}</span>
      ),
  },
  {
    id: 'customerAwsAccountId',
    header: 'Customer account',
    kind: 'id',
    width: 150,
    server: true,
    value: (r) => r.customerAwsAccountId,
  },
  {
    id: 'customerIdentifier',
    header: 'Customer id',
    kind: 'id',
    width: 150,
    server: true,
    value: (r) => r.customerIdentifier,
  },
  {
    id: 'licenseArn',
    header: 'LicenseArn',
    kind: 'id',
    width: 200,
    server: true,
    value: (r) => r.licenseArn,
  },
  {
    id: 'productCode',
    header: 'Product',
    kind: 'id',
    width: 150,
    server: true,
    value: (r) => r.productCode,
  },
  {
    id: 'dimension',
    header: 'Dimension',
    kind: 'text',
    width: 130,
    server: true,
    value: (r) => r.dimension,
  },
  {
    id: 'quantity',
    header: 'Quantity',
    kind: 'number',
    width: 100,
    server: true,
    value: (r) => r.quantity,
  },
  {
    id: 'allocations',
    header: 'Allocations',
    kind: 'text',
    width: 150,
    server: true,
    value: (r) => r.allocations,
    defaultHidden: true,
  },
  {
    id: 'status',
    header: 'Status',
    kind: 'text',
    width: 130,
    server: true,
    value: (r) => r.status,
    render: (r) => <span className={`audit-status audit-status-${r.status}`}>{r.status}</span>,
  },
  {
    id: 'errorCode',
    header: 'Error',
    kind: 'text',
    width: 150,
    server: true,
    value: (r) => r.errorCode,
  },
  {
    id: 'meteringRecordId',
    header: 'MeteringRecordId',
    kind: 'id',
    width: 200,
    server: true,
    value: (r) => r.meteringRecordId,
  },
  {
    id: 'sent',
    header: 'Sent from Meterdesk',
    kind: 'text',
    width: 140,
    server: false,
    value: (r) => (r.sent ? `by ${r.sent.osUser}` : ''),
    render: (r) =>
      r.sent ? (
        <span
          className="audit-sent"
          title={`Journal submission ${r.sent.submissionId} at ${r.sent.at}, matched by ${r.sent.by === 'meteringRecordId' ? 'MeteringRecordId' : 'customer, dimension, hour and quantity'}`}
        >
          ✓ by {r.sent.osUser}
        </span>
      ) : (
        ''
      ),
  },
  {
    id: 'callerArn',
    header: 'Caller',
    kind: 'id',
    width: 220,
    server: true,
    value: (r) => r.callerArn ?? r.userName,
  },
  {
    id: 'region',
    header: 'Region',
    kind: 'text',
    width: 100,
    server: true,
    value: (r) => r.region,
  },
  {
    id: 'eventId',
    header: 'Event id',
    kind: 'id',
    width: 180,
    server: true,
    value: (r) => r.eventId,
  },
  {
    id: 'eventName',
    header: 'Event',
    kind: 'text',
    width: 130,
    server: true,
    value: (r) => r.eventName,
    defaultHidden: true,
  },
  {
    id: 'accessKeyId',
    header: 'Access key',
    kind: 'id',
    width: 170,
    server: true,
    value: (r) => r.accessKeyId,
    defaultHidden: true,
  },
  {
    id: 'errorMessage',
    header: 'Error message',
    kind: 'text',
    width: 220,
    server: true,
    value: (r) => r.errorMessage,
    defaultHidden: true,
  },
];

export { customerOf };

function display(column: Column, row: AuditExplorerRow): string {
  const v = column.value(row);
  if (v === null || v === undefined) return '';
  if (column.kind === 'number' && typeof v === 'number') return formatNumber(v);
  if (column.kind === 'time' && typeof v === 'number') return formatUtc(v);
  return String(v);
}

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
  onTotal?: (total: number) => void;
  toolbar?: ReactNode;
};

export function AuditTable(props: AuditTableProps) {
  const { filter, sort } = props;
  const gridId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const settings = useSettings();
  const updateSettings = useUpdateSettings();
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [active, setActive] = useState(0);
  const saved = chosen ?? settings.data?.tableColumns[TABLE_ID];
  const visible = AUDIT_COLUMNS.filter((c) =>
    saved ? saved.includes(c.id) : c.defaultHidden !== true,
  );
  const template = ['34px', ...visible.map((c) => `${String(c.width)}px`)].join(' ');
  const totalWidth = 34 + visible.reduce((s, c) => s + c.width, 0);

  const [range, setRange] = useState({ start: 0, end: 40 });
  const pages = useMemo(() => {
    const first = Math.floor(range.start / PAGE);
    const last = Math.floor(Math.max(range.start, range.end) / PAGE);
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  }, [range.start, range.end]);

  const results = useQueries({
    queries: pages.map((page) => auditWindowQuery(filter, sort, page, PAGE)),
  });
  // The total survives page changes: the last answer that had one.
  const [total, setTotal] = useState<number | null>(null);
  const answered = results.map((r) => r.data?.total).find((t) => t !== undefined);
  useEffect(() => {
    if (answered !== undefined) setTotal(answered);
  }, [answered]);
  const { onTotal } = props;
  useEffect(() => {
    if (total !== null) onTotal?.(total);
  }, [total, onTotal]);
  const filterKey = JSON.stringify([filter, sort]);
  useEffect(() => {
    // A new question starts at the top.
    scrollRef.current?.scrollTo({ top: 0 });
    setActive(0);
  }, [filterKey]);

  const rowAt = (index: number): AuditExplorerRow | undefined => {
    const page = Math.floor(index / PAGE);
    const at = pages.indexOf(page);
    return at >= 0 ? results[at]?.data?.rows[index - page * PAGE] : undefined;
  };

  const count = total ?? 0;
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions each render by design; nothing here is memoized on them.
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const firstItem = items[0]?.index ?? 0;
  const lastItem = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    setRange((r) =>
      r.start === firstItem && r.end === lastItem ? r : { start: firstItem, end: lastItem },
    );
  }, [firstItem, lastItem]);

  const setColumnVisible = (id: string, show: boolean): void => {
    const next = AUDIT_COLUMNS.filter((c) =>
      c.id === id ? show : visible.some((v) => v.id === c.id),
    ).map((c) => c.id);
    setChosen(next);
    updateSettings.mutate({
      tableColumns: { ...(settings.data?.tableColumns ?? {}), [TABLE_ID]: next },
    });
  };

  const toggleSort = (column: AuditColumn): void => {
    if (sort?.column !== column) props.onSort({ column, direction: 'desc' });
    else if (sort.direction === 'desc') props.onSort({ column, direction: 'asc' });
    else props.onSort(undefined);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.target !== event.currentTarget || count === 0) return;
    const pageRows = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1,
    );
    let next: number | null = null;
    if (event.key === 'ArrowDown') next = active + 1;
    else if (event.key === 'ArrowUp') next = active - 1;
    else if (event.key === 'PageDown') next = active + pageRows;
    else if (event.key === 'PageUp') next = active - pageRows;
    else if (event.key === 'Home' && (event.ctrlKey || event.metaKey)) next = 0;
    else if (event.key === 'End' && (event.ctrlKey || event.metaKey)) next = count - 1;
    else if (event.key === 'Enter') {
      const row = rowAt(active);
      if (row) props.onSelect(row);
      event.preventDefault();
      return;
    }
    if (next === null) return;
    event.preventDefault();
    const clamped = Math.max(0, Math.min(count - 1, next));
    setActive(clamped);
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
  };

  const loading = results.some((r) => r.isFetching);
  const error = results.find((r) => r.error)?.error;

  return (
    <div className="dt audit-table">
      <div className="dt-toolbar">
        <span className="dt-count" aria-live="polite">
          {total === null ? 'Counting…' : `${formatNumber(total)} ${total === 1 ? 'row' : 'rows'}`}
          {loading ? ' · loading' : ''}
        </span>
        {props.toolbar}
        <details className="dt-columns">
          <summary>Columns</summary>
          <fieldset className="dt-columns-menu">
            <legend className="visually-hidden">Columns shown in the audit explorer</legend>
            {AUDIT_COLUMNS.map((c) => (
              <label key={c.id}>
                <input
                  type="checkbox"
                  checked={visible.some((v) => v.id === c.id)}
                  onChange={(e) => setColumnVisible(c.id, e.target.checked)}
                />
                {c.header}
              </label>
            ))}
          </fieldset>
        </details>
      </div>
      {error && (
        <p className="audit-error" role="alert">
          Could not read rows: {error.message}
        </p>
      )}
      <div
        ref={scrollRef}
        className="dt-scroll audit-scroll"
        role="grid"
        aria-label="CloudTrail usage records"
        aria-rowcount={count + 1}
        aria-activedescendant={count > 0 ? `${gridId}-r${String(active)}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div className="dt-inner" style={{ width: `${String(totalWidth)}px` }}>
          <div
            className="dt-head"
            role="row"
            aria-rowindex={1}
            style={{ gridTemplateColumns: template }}
          >
            <div role="columnheader" className="dt-th dt-text audit-pick-head">
              <span className="visually-hidden">Pick</span>
            </div>
            {visible.map((c) => {
              const sorted = sort?.column === c.id ? sort.direction : null;
              const invalid = props.invalidFilters.includes(c.id as AuditColumn);
              return (
                <div
                  key={c.id}
                  role="columnheader"
                  aria-sort={
                    sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'
                  }
                  className={`dt-th dt-${c.kind}`}
                >
                  {c.server ? (
                    <button
                      type="button"
                      className="dt-sort"
                      onClick={() => toggleSort(c.id as AuditColumn)}
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
                  {c.server && (
                    <input
                      className={`dt-filter${invalid ? ' audit-filter-invalid' : ''}`}
                      type="search"
                      aria-label={`Filter ${c.header}`}
                      aria-invalid={invalid}
                      title={
                        c.kind === 'time'
                          ? 'A UTC period: 2026-07, 2026-07-01 or 2026-07-01T14'
                          : c.kind === 'number'
                            ? 'A number, or > >= < <= followed by one'
                            : 'Contains (any case)'
                      }
                      placeholder={
                        c.kind === 'number' ? '> 100' : c.kind === 'time' ? '2026-07-01' : 'Filter'
                      }
                      value={props.columnFilters[c.id as AuditColumn] ?? ''}
                      onChange={(e) => props.onColumnFilter(c.id as AuditColumn, e.target.value)}
                    />
                  )}
                </div>
              );
            })}
          </div>
          {count === 0 ? (
            <div className="dt-empty" role="row">
              <div role="gridcell">
                {total === null
                  ? 'Reading the cache…'
                  : 'No usage records match. Sync CloudTrail, or loosen the filters.'}
              </div>
            </div>
          ) : (
            <div className="dt-body" style={{ height: `${String(virtualizer.getTotalSize())}px` }}>
              {items.map((item) => {
                const row = rowAt(item.index);
                const isSelected = row !== undefined && row.eventId === props.selected;
                const isPicked = row !== undefined && props.picked.includes(row.eventId);
                return (
                  <div
                    key={item.index}
                    id={`${gridId}-r${String(item.index)}`}
                    role="row"
                    aria-rowindex={item.index + 2}
                    aria-selected={isSelected}
                    className={`dt-row${item.index % 2 === 1 ? ' dt-row-alt' : ''}${isSelected ? ' audit-row-selected' : ''}${item.index === active ? ' audit-row-active' : ''}${row?.sent ? ' audit-row-sent' : ''}`}
                    style={{
                      transform: `translateY(${String(item.start)}px)`,
                      gridTemplateColumns: template,
                    }}
                    onClick={() => {
                      setActive(item.index);
                      if (row) props.onSelect(row);
                    }}
                  >
                    <div role="gridcell" className="dt-td audit-pick">
                      {row && (
                        <input
                          type="checkbox"
                          aria-label={`Pick event ${row.eventId} record ${String(row.recordIndex + 1)}`}
                          checked={isPicked}
                          onClick={(e) => e.stopPropagation()}
                          onChange={(e) => props.onPick(row.eventId, e.target.checked)}
                        />
                      )}
                    </div>
                    {visible.map((c) => {
                      if (!row) {
                        return (
                          <div key={c.id} role="gridcell" className="dt-td audit-loading">
                            {c === visible[0] ? '…' : ''}
                          </div>
                        );
                      }
                      const text = display(c, row);
                      return (
                        <div
                          key={c.id}
                          role="gridcell"
                          className={`dt-td dt-${c.kind}`}
                          title={c.kind === 'id' || c.kind === 'text' ? text : undefined}
                        >
                          <span className="dt-cell-text">{c.render ? c.render(row) : text}</span>
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
    </div>
  );
}
