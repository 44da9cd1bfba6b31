// The Audit screen: sync CloudTrail's metering events into the local cache, see which days are
// complete, explore every usage record (filters on every column, sorting, a million rows kept
// smooth by asking main only for the visible window), open an event's raw record, compare two,
// chart and total, and export rows or an evidence pack.
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import {
  auditStatuses,
  type AuditColumn,
  type AuditSort,
  type AuditStatus,
} from '../../../../shared/audit';
import type { AuditExplorerRow } from '../../../../shared/channels/audit';
import { customerLabel } from '../../../../shared/channels/customer-directory';
import {
  useAuditEvidence,
  useAuditExport,
  useAuditInfo,
  useAuditLive,
  useAuditMigration,
} from '../../api/audit';
import { useCustomerDirectory } from '../../api/customer-directory';
import { useAppInfo } from '../../api/queries';
import { downloadBase64, downloadText } from '../../components/download';
import { formatNumber } from '../../components/DataTable';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { Screen } from '../../components/Screen';
import { Tabs } from '../../components/Tabs';
import { AuditCharts } from './AuditCharts';
import { AuditTable } from './AuditTable';
import { customerIdsFor, customerOf, withCustomer } from './customer-filter';
import { CompareEvents, EventDetail } from './EventDetail';
import { emptyFilters, isFiltered, toAuditFilter, type ExplorerFilters } from './filters';
import { MigrationProgress } from './MigrationProgress';
import { QueryTab } from './QueryTab';
import { SyncPanel } from './SyncPanel';
import { TrailImport } from './TrailImport';
import { TruncatedBanner } from './TruncatedBanner';
import { UnseenPanel } from './UnseenPanel';
import './audit.css';

type Tab = 'records' | 'charts' | 'query';

export function AuditScreen() {
  const live = useAuditLive();
  const info = useAuditInfo();
  const migration = useAuditMigration();
  const appInfo = useAppInfo();
  const directory = useCustomerDirectory(appInfo.data?.activeConnection?.id ?? undefined).data;
  const [filters, setFilters] = useState<ExplorerFilters>(emptyFilters);
  const [customer, setCustomer] = useState('');
  // Typing stays instant; the query follows a beat behind.
  const deferred = useDeferredValue(filters);
  const deferredCustomer = useDeferredValue(customer);
  const { filter, invalid } = useMemo(() => {
    const parsed = toAuditFilter(deferred);
    return {
      ...parsed,
      filter: withCustomer(parsed.filter, customerIdsFor(directory, deferredCustomer)),
    };
  }, [deferred, deferredCustomer, directory]);
  const customerName = useCallback(
    (row: AuditExplorerRow) => customerOf(directory, row)?.name,
    [directory],
  );
  const detailRef = useRef<HTMLDivElement>(null);
  const [sort, setSort] = useState<AuditSort | undefined>(undefined);
  const [selected, setSelected] = useState<string | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [comparing, setComparing] = useState(false);
  const [tab, setTab] = useState<Tab>('records');
  const [total, setTotal] = useState(0);
  const exporter = useAuditExport();
  const evidence = useAuditEvidence();
  const [notice, setNotice] = useState('');

  // The event's details sit beside the grid where there is room, under it otherwise: either
  // way they are brought into view when a row is chosen.
  useEffect(() => {
    if (selected !== null) detailRef.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const setColumn = (column: AuditColumn, value: string): void =>
    setFilters((f) => ({ ...f, columns: { ...f.columns, [column]: value } }));

  const exportAs = (format: 'csv' | 'json'): void => {
    exporter.mutate(
      { filter, ...(sort === undefined ? {} : { sort }), format },
      {
        onSuccess: (file) => {
          downloadText(file.fileName, file.text, file.mimeType);
          setNotice(
            `Exported ${formatNumber(file.rows)} rows to ${file.fileName}${file.truncated ? ' (the first rows only: narrow the filters for the rest)' : ''}.`,
          );
        },
      },
    );
  };

  const pick = (eventId: string, on: boolean): void =>
    setPicked((list) =>
      on ? [...new Set([...list, eventId])] : list.filter((id) => id !== eventId),
    );

  const actions = (
    <>
      <button
        type="button"
        disabled={exporter.isPending || total === 0}
        onClick={() => exportAs('csv')}
      >
        Export CSV
      </button>
      <button
        type="button"
        disabled={exporter.isPending || total === 0}
        onClick={() => exportAs('json')}
      >
        Export JSON
      </button>
      <button
        type="button"
        disabled={picked.length === 0 || evidence.isPending}
        onClick={() =>
          evidence.mutate(
            // With filters set, the pack's Parquet file holds the records they match.
            { eventIds: picked, ...(isFiltered(filter) ? { filter } : {}) },
            {
              onSuccess: (file) => {
                downloadBase64(file.fileName, file.base64, file.mimeType);
                setNotice(
                  `Evidence pack for ${String(picked.length)} events saved as ${file.fileName}: ${String(file.files.length)} files, each with its SHA-256 in manifest.json and SHA256SUMS.`,
                );
              },
            },
          )
        }
      >
        Evidence pack ({picked.length})
      </button>
      <button type="button" disabled={picked.length !== 2} onClick={() => setComparing(true)}>
        Compare 2 events
      </button>
      {picked.length > 0 && (
        <button type="button" onClick={() => setPicked([])}>
          Unpick all
        </button>
      )}
    </>
  );

  const purpose =
    'Verify what was metered against CloudTrail’s record of every BatchMeterUsage call.';
  if (info.isPending || info.error) {
    return (
      <Screen title="Audit" purpose={purpose}>
        {info.error ? (
          <ErrorPanel error={toDisplayableError(info.error)} onRetry={() => void info.refetch()} />
        ) : (
          <MigrationProgress progress={migration} />
        )}
      </Screen>
    );
  }
  const data = info.data;

  return (
    <Screen title="Audit" purpose={purpose}>
      {data.accountId === null ? (
        <div className="panel" role="alert">
          <p>
            Meterdesk does not know which AWS account “{data.connectionName}” reaches, so it cannot
            pick its audit cache. Run the Test on the Connections screen, then come back.
          </p>
        </div>
      ) : (
        <>
          <SyncPanel info={data} live={live} />
          <TrailImport />
        </>
      )}
      {data.events === 0 && !data.running ? (
        <div className="panel audit-empty">
          <p>
            No CloudTrail events are cached for this account yet. Press{' '}
            <strong>Sync CloudTrail</strong> to fetch the last 90 days of metering calls from every
            region of the connection. It runs in the background at CloudTrail’s own pace (2 requests
            per second per region), and everything fetched is kept here, also after CloudTrail
            forgets it. Older history comes from the trail’s log files: import them above.
          </p>
        </div>
      ) : (
        <>
          <UnseenPanel />
          <TruncatedBanner
            only={filters.truncatedOnly}
            onOnly={(on) => setFilters((f) => ({ ...f, truncatedOnly: on }))}
          />
          <div className="audit-filters" role="search" aria-label="Audit filters">
            <Field label="Customer" help="A name, or either id: both are found">
              {(control) => (
                <>
                  <input
                    {...control}
                    type="search"
                    className="mono"
                    list="audit-customers"
                    value={customer}
                    onChange={(e) => setCustomer(e.target.value)}
                  />
                  <datalist id="audit-customers">
                    {(directory?.customers ?? []).slice(0, 1000).map((c) => (
                      <option
                        key={`${c.accountIds.join()}|${c.identifiers.join()}`}
                        value={c.accountIds[0] ?? c.identifiers[0] ?? ''}
                      >
                        {customerLabel(c)}
                      </option>
                    ))}
                  </datalist>
                </>
              )}
            </Field>
            <Field label="Event time from (UTC)">
              {(control) => (
                <input
                  {...control}
                  type="date"
                  value={filters.from}
                  onChange={(e) => setFilters((f) => ({ ...f, from: e.target.value }))}
                />
              )}
            </Field>
            <Field label="to (UTC)">
              {(control) => (
                <input
                  {...control}
                  type="date"
                  value={filters.to}
                  onChange={(e) => setFilters((f) => ({ ...f, to: e.target.value }))}
                />
              )}
            </Field>
            <Field label="Status">
              {(control) => (
                <select
                  {...control}
                  value={
                    filters.statuses.length === 1
                      ? (filters.statuses[0] ?? '')
                      : filters.statuses.length > 1
                        ? 'not-success'
                        : ''
                  }
                  onChange={(e) => {
                    const v = e.target.value;
                    const statuses: AuditStatus[] =
                      v === ''
                        ? []
                        : v === 'not-success'
                          ? auditStatuses.filter((s) => s !== 'Success')
                          : [v as AuditStatus];
                    setFilters((f) => ({ ...f, statuses }));
                  }}
                >
                  <option value="">any</option>
                  <option value="not-success">anything but Success</option>
                  {auditStatuses.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button
              type="button"
              onClick={() => {
                setFilters(emptyFilters);
                setCustomer('');
              }}
            >
              Clear filters
            </button>
          </div>
          {(exporter.error ?? evidence.error) && (
            <ErrorPanel error={toDisplayableError(exporter.error ?? evidence.error)} />
          )}
          <p className="visually-hidden" role="status">
            {notice}
          </p>
          {notice !== '' && <p className="audit-note">{notice}</p>}
          <Tabs
            label="Audit views"
            tabs={[
              { id: 'records', label: 'Records' },
              { id: 'charts', label: 'Charts and totals' },
              { id: 'query', label: 'Query' },
            ]}
            selected={tab}
            onSelect={setTab}
          >
            {tab === 'records' ? (
              <div className={`audit-explorer${selected ? ' with-detail' : ''}`}>
                <AuditTable
                  filter={filter}
                  sort={sort}
                  onSort={setSort}
                  columnFilters={filters.columns}
                  invalidFilters={invalid}
                  onColumnFilter={setColumn}
                  selected={selected}
                  onSelect={(row: AuditExplorerRow) => setSelected(row.eventId)}
                  picked={picked}
                  onPick={pick}
                  customerName={customerName}
                  onTotal={setTotal}
                  toolbar={actions}
                />
                {selected && (
                  <div ref={detailRef} className="audit-detail-slot">
                    <EventDetail eventId={selected} onClose={() => setSelected(null)} />
                  </div>
                )}
              </div>
            ) : tab === 'charts' ? (
              <AuditCharts filter={filter} directory={directory} />
            ) : (
              <QueryTab />
            )}
          </Tabs>
          {comparing && picked.length === 2 && (
            <CompareEvents
              left={picked[0] ?? ''}
              right={picked[1] ?? ''}
              onClose={() => setComparing(false)}
            />
          )}
        </>
      )}
    </Screen>
  );
}
