// Every resolution made from this machine: when, with which connection, what came back, and the
// buyer's name where the customer directory knows it. The token is not kept, only a short hash
// of it, enough to recognise a repeat. It can be exported as CSV (ids kept as text), and cleared
// (the user types CLEAR to confirm); main also keeps only the newest 10,000.
import { useMemo, useState } from 'react';
import {
  findCustomer,
  type CustomerDirectory,
} from '../../../../shared/channels/customer-directory';
import type { ResolutionEntry } from '../../../../shared/channels/customers';
import { historyToCsv } from '../../../../shared/customers';
import { useClearResolutionHistory, useResolutionHistory } from '../../api/customers';
import { request } from '../../api/queries';
import { downloadText } from '../../components/download';
import { DataTable, formatNumber, type DataColumn } from '../../components/DataTable';
import { TypedConfirmDialog } from '../../components/TypedConfirmDialog';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Loading } from '../../components/Loading';
import { failureLabels, sourceLabels, utc } from './format';
import { customerIdentityColumns } from './columns';

const outcomeText = (e: ResolutionEntry): string =>
  e.outcome === 'resolved'
    ? 'Resolved'
    : `Failed: ${e.failureKind ? failureLabels[e.failureKind] : 'unknown'}`;

type NameOf = (entry: ResolutionEntry) => string | undefined;

function nameFinder(directory: CustomerDirectory | undefined): NameOf {
  return (entry) => {
    const id = entry.customer?.customerAwsAccountId ?? entry.customer?.customerIdentifier;
    return directory && id !== undefined ? findCustomer(directory, id)?.name : undefined;
  };
}

const historyColumns = (nameOf: NameOf): DataColumn<ResolutionEntry>[] => [
  { id: 'at', header: 'Time (UTC)', kind: 'time', value: (e) => utc(e.at), alwaysVisible: true },
  {
    id: 'outcome',
    header: 'Outcome',
    width: 170,
    value: outcomeText,
    render: (e) => (
      <span className={e.outcome === 'resolved' ? 'cu-outcome-resolved' : 'cu-outcome-failed'}>
        {outcomeText(e)}
      </span>
    ),
  },
  { id: 'name', header: 'Customer', width: 190, value: nameOf },
  ...customerIdentityColumns(),
  { id: 'connection', header: 'Connection', width: 130, value: (e) => e.connectionName },
  { id: 'region', header: 'Region', width: 110, value: (e) => e.region, defaultHidden: true },
  {
    id: 'account-used',
    header: 'Seller account',
    kind: 'id',
    width: 140,
    value: (e) => e.accountId,
    defaultHidden: true,
  },
  { id: 'source', header: 'Pasted as', width: 140, value: (e) => sourceLabels[e.source] },
  { id: 'offer', header: 'Offer type', width: 110, value: (e) => e.offerType, defaultHidden: true },
  { id: 'hash', header: 'Token hash', kind: 'id', width: 130, value: (e) => e.tokenHash },
  {
    id: 'bulk',
    header: 'Bulk run',
    kind: 'id',
    width: 130,
    value: (e) => e.bulkTaskId,
    defaultHidden: true,
  },
];

/** The whole history (not only the rows loaded), newest first, as a CSV download. */
async function exportHistory(nameOf: NameOf, stamp: string): Promise<number> {
  const { entries } = await request('customers:history', { limit: 10_000 });
  downloadText(`meterdesk-resolutions-${stamp}.csv`, historyToCsv(entries, nameOf), 'text/csv');
  return entries.length;
}

export function HistoryTable({ directory }: { directory?: CustomerDirectory | undefined }) {
  const history = useResolutionHistory();
  const clear = useClearResolutionHistory();
  const [confirming, setConfirming] = useState(false);
  const [exported, setExported] = useState<string | null>(null);
  const nameOf = useMemo(() => nameFinder(directory), [directory]);
  const columns = useMemo(() => historyColumns(nameOf), [nameOf]);
  if (history.isPending) return <Loading label="Loading the history…" />;
  if (history.isError) {
    return (
      <ErrorPanel
        title="The history could not be read."
        error={history.error}
        onRetry={() => void history.refetch()}
      />
    );
  }
  const total = history.data.total;
  const cleared = clear.data !== undefined && total === 0;
  return (
    <section className="panel" aria-labelledby="customers-history-heading">
      <div className="cu-history-head">
        <h2 id="customers-history-heading">Resolution history</h2>
        <button
          type="button"
          disabled={total === 0}
          onClick={() => {
            const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
            void exportHistory(nameOf, stamp).then(
              (n) => setExported(`Exported ${formatNumber(n)} resolutions as CSV.`),
              () => setExported('The history could not be exported.'),
            );
          }}
        >
          Export CSV
        </button>
        <button
          type="button"
          disabled={total === 0 || clear.isPending}
          onClick={() => {
            clear.reset();
            setConfirming(true);
          }}
        >
          Clear history…
        </button>
      </div>
      <p className="cu-help">
        Kept on this computer (the newest 10,000 resolutions). The token itself is never stored: the
        hash (first 12 hex digits of its SHA-256) only recognises a token resolved again.
      </p>
      <p role="status" className="cu-muted">
        {exported ?? ''}
      </p>
      {cleared && (
        <p role="status" className="cu-muted">
          History cleared: {formatNumber(clear.data.removed)}{' '}
          {clear.data.removed === 1 ? 'entry' : 'entries'} removed.
        </p>
      )}
      <DataTable
        tableId="customers-history"
        label="Resolution history"
        rows={history.data.entries}
        columns={columns}
        getRowId={(e) => e.id}
        totalCount={total}
        height="max(320px, calc(100vh - 330px))"
        emptyMessage={
          cleared
            ? 'The history was cleared. Tokens resolved from now on appear here.'
            : 'No tokens resolved yet. Paste one under “Resolve a token”.'
        }
      />
      <TypedConfirmDialog
        title="Clear the resolution history?"
        open={confirming}
        onCancel={() => setConfirming(false)}
        onConfirm={() => clear.mutate(undefined, { onSuccess: () => setConfirming(false) })}
        keepLabel="Keep the history"
        confirmLabel="Clear history"
        pending={clear.isPending}
        error={
          clear.error && (
            <ErrorPanel title="The history could not be cleared." error={clear.error} />
          )
        }
      >
        <p>
          This forgets all {formatNumber(total)} resolutions kept on this computer. A token resolved
          again afterwards is no longer recognised as a repeat. This cannot be undone.
        </p>
      </TypedConfirmDialog>
    </section>
  );
}
