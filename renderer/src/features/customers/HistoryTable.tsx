// Every resolution made from this machine: when, with which connection, what came back. The
// token is not kept, only a short hash of it, enough to recognise a repeat.
import type { ResolutionEntry } from '../../../../shared/channels/customers';
import { useResolutionHistory } from '../../api/customers';
import { DataTable, type DataColumn } from '../../components/DataTable';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Loading } from '../../components/Loading';
import { failureLabels, sourceLabels, utc } from './format';

const outcomeText = (e: ResolutionEntry): string =>
  e.outcome === 'resolved'
    ? 'Resolved'
    : `Failed: ${e.failureKind ? failureLabels[e.failureKind] : 'unknown'}`;

const columns: DataColumn<ResolutionEntry>[] = [
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
  {
    id: 'account',
    header: 'Customer account',
    kind: 'id',
    width: 150,
    value: (e) => e.customer?.customerAwsAccountId,
  },
  {
    id: 'license',
    header: 'LicenseArn',
    kind: 'id',
    width: 300,
    value: (e) => e.customer?.licenseArn,
  },
  {
    id: 'identifier',
    header: 'Customer identifier',
    kind: 'id',
    width: 170,
    value: (e) => e.customer?.customerIdentifier,
  },
  {
    id: 'product',
    header: 'Product code',
    kind: 'id',
    width: 220,
    value: (e) => e.customer?.productCode,
  },
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

export function HistoryTable() {
  const history = useResolutionHistory();
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
  return (
    <section className="panel" aria-labelledby="customers-history-heading">
      <h2 id="customers-history-heading">Resolution history</h2>
      <p className="cu-help">
        Kept on this computer. The token itself is never stored: the hash (first 12 hex digits of
        its SHA-256) only recognises a token resolved again.
      </p>
      <DataTable
        tableId="customers-history"
        label="Resolution history"
        rows={history.data.entries}
        columns={columns}
        getRowId={(e) => e.id}
        totalCount={history.data.total}
        emptyMessage="No tokens resolved yet. Paste one under “Resolve a token”."
      />
    </section>
  );
}
