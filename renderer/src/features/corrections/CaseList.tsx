// Every correction case with its state: open, waiting for invoice, sent, completed, failed.
import type { CaseSummary } from '../../../../shared/channels/corrections';
import { useCaseList } from '../../api/corrections';
import { DataTable, type DataColumn } from '../../components/DataTable';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { formatHour, formatMoneyText, stateLabels } from './format';

// Money first: what a case is about (who, which dimension, how much) before where it came from.
const columns: DataColumn<CaseSummary>[] = [
  {
    id: 'state',
    header: 'State',
    value: (c) => stateLabels[c.state],
    width: 150,
    alwaysVisible: true,
  },
  {
    id: 'customer',
    header: 'Customer',
    value: (c) => c.customer.name ?? c.customer.awsAccountId,
    width: 200,
  },
  { id: 'dimension', header: 'Dimension', value: (c) => c.dimension, width: 130 },
  {
    id: 'amount',
    header: 'Difference',
    value: (c) => c.differenceAmount,
    render: (c) =>
      c.differenceAmount === null ? (
        ''
      ) : (
        <span className="num">{formatMoneyText(c.differenceAmount, c.currencyCode)}</span>
      ),
    width: 140,
  },
  {
    id: 'from',
    header: 'From (UTC)',
    kind: 'time',
    value: (c) => c.from,
    render: (c) => formatHour(c.from),
    width: 170,
  },
  {
    id: 'to',
    header: 'To (UTC)',
    kind: 'time',
    value: (c) => c.to,
    render: (c) => formatHour(c.to),
    width: 170,
  },
  {
    id: 'units',
    header: 'Difference (units)',
    kind: 'number',
    value: (c) => c.differenceUnits,
    width: 140,
  },
  { id: 'product', header: 'Product', value: (c) => c.productName, width: 180 },
  {
    id: 'account',
    header: 'Account',
    kind: 'id',
    value: (c) => c.customer.awsAccountId,
    width: 140,
  },
  { id: 'connection', header: 'Connection', value: (c) => c.connectionName, defaultHidden: true },
  { id: 'caseId', header: 'Case', kind: 'id', value: (c) => c.caseId, defaultHidden: true },
  { id: 'updated', header: 'Updated (UTC)', kind: 'time', value: (c) => c.updatedAt, width: 200 },
];

export function CaseList({ onOpen }: { onOpen: (caseId: string) => void }) {
  const list = useCaseList();
  if (list.error)
    return (
      <ErrorPanel error={toDisplayableError(list.error)} onRetry={() => void list.refetch()} />
    );
  return (
    <DataTable
      tableId="corrections-cases"
      label="Correction cases"
      rows={list.data?.cases ?? []}
      columns={columns}
      getRowId={(c) => c.caseId}
      onRowActivate={(c) => onOpen(c.caseId)}
      height={`${String(Math.min(240, 72 + Math.max(1, list.data?.cases.length ?? 0) * 30))}px`}
      emptyMessage="No correction case yet: open one below for a customer, a dimension and a period."
    />
  );
}
