// The explorer's columns: what each shows, and which ones main can sort and filter on (every
// column of the audit row; "Pick", "Customer name" and "Sent from Meterdesk" are display only).
import { auditColumnSchema, type AuditColumn } from '../../../../shared/audit';
import type { AuditExplorerRow } from '../../../../shared/channels/audit';
import type { DataColumn } from '../../components/data-columns';
import { formatUtc, localTime } from './format';

const SERVER_COLUMNS: ReadonlySet<string> = new Set(auditColumnSchema.options);

export function isServerColumn(id: string): id is AuditColumn {
  return SERVER_COLUMNS.has(id);
}

const TIME_HINT = 'A UTC period: 2026-07, 2026-07-01 or 2026-07-01T14';
const TEXT_HINT = 'Contains (any case)';

type Row = AuditExplorerRow;

/** A column main sorts and filters: descending first (newest, largest), hint by kind. */
function server(column: DataColumn<Row> & { id: AuditColumn }): DataColumn<Row> {
  const kind = column.kind ?? 'text';
  return {
    sortDescFirst: true,
    filterHint:
      kind === 'time'
        ? TIME_HINT
        : kind === 'number'
          ? 'A number, or > >= < <= followed by one'
          : TEXT_HINT,
    ...(kind === 'time' ? { filterPlaceholder: '2026-07-01' } : {}),
    ...column,
  };
}

function timeCell(ms: number | null, hourOnly: boolean) {
  return ms === null ? (
    '—'
  ) : (
    <span title={`Local: ${localTime(ms)}`}>{formatUtc(ms, hourOnly)}</span>
  );
}

type ColumnOptions = {
  picked: readonly string[];
  onPick: (eventId: string, picked: boolean) => void;
  customerName?: ((row: Row) => string | undefined) | undefined;
};

function pickColumn({ picked, onPick }: ColumnOptions): DataColumn<Row> {
  return {
    id: 'pick',
    header: 'Pick',
    width: 52,
    sortable: false,
    filterable: false,
    alwaysVisible: true,
    value: (r) => (picked.includes(r.eventId) ? 'picked' : ''),
    render: (r) => (
      <input
        type="checkbox"
        aria-label={`Pick event ${r.eventId} record ${String(r.recordIndex + 1)}`}
        checked={picked.includes(r.eventId)}
        onClick={(e) => e.stopPropagation()}
        onChange={(e) => onPick(r.eventId, e.target.checked)}
      />
    ),
  };
}

function sentColumn(): DataColumn<Row> {
  return {
    id: 'sent',
    header: 'Sent from Meterdesk',
    width: 150,
    sortable: false,
    filterable: false,
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
  };
}

export function auditColumns(options: ColumnOptions): DataColumn<Row>[] {
  const name = options.customerName;
  return [
    pickColumn(options),
    server({
      id: 'eventTime',
      header: 'Event time (UTC)',
      kind: 'time',
      width: 170,
      value: (r) => r.eventTime,
      render: (r) => timeCell(r.eventTime, false),
    }),
    server({
      id: 'usageHour',
      header: 'Usage hour (UTC)',
      kind: 'time',
      width: 150,
      value: (r) => r.usageHour,
      render: (r) => timeCell(r.usageHour, true),
    }),
    {
      id: 'customerName',
      header: 'Customer name',
      width: 170,
      sortable: false,
      filterable: false,
      value: (r) => name?.(r) ?? '',
    },
    server({
      id: 'customerAwsAccountId',
      header: 'Customer account',
      kind: 'id',
      width: 150,
      value: (r) => r.customerAwsAccountId,
    }),
    server({
      id: 'customerIdentifier',
      header: 'Customer id',
      kind: 'id',
      width: 150,
      value: (r) => r.customerIdentifier,
    }),
    server({
      id: 'licenseArn',
      header: 'LicenseArn',
      kind: 'id',
      width: 200,
      value: (r) => r.licenseArn,
    }),
    server({
      id: 'productCode',
      header: 'Product',
      kind: 'id',
      width: 150,
      value: (r) => r.productCode,
    }),
    server({ id: 'dimension', header: 'Dimension', width: 130, value: (r) => r.dimension }),
    server({
      id: 'quantity',
      header: 'Quantity',
      kind: 'number',
      width: 100,
      value: (r) => r.quantity,
    }),
    server({
      id: 'allocations',
      header: 'Allocations',
      width: 150,
      value: (r) => r.allocations,
      defaultHidden: true,
    }),
    server({
      id: 'status',
      header: 'Status',
      width: 130,
      value: (r) => r.status,
      render: (r) => <span className={`audit-status audit-status-${r.status}`}>{r.status}</span>,
    }),
    {
      id: 'billing',
      header: 'Billed',
      width: 110,
      sortable: false,
      filterable: false,
      value: (r) => r.billing,
      render: (r) =>
        r.billing === undefined ? (
          ''
        ) : (
          <span
            className={`audit-billing audit-billing-${r.billing}`}
            title={
              r.billing === 'replay'
                ? 'The same MeteringRecordId was billed by an earlier call: counted once.'
                : r.billing === 'duplicate' && r.standingQuantity !== undefined
                  ? `DuplicateRecord: the quantity that stands is ${String(r.standingQuantity)}.`
                  : undefined
            }
          >
            {r.billing}
          </span>
        ),
    },
    server({ id: 'errorCode', header: 'Error', width: 150, value: (r) => r.errorCode }),
    server({
      id: 'meteringRecordId',
      header: 'MeteringRecordId',
      kind: 'id',
      width: 200,
      value: (r) => r.meteringRecordId,
    }),
    sentColumn(),
    server({
      id: 'callerArn',
      header: 'Caller',
      kind: 'id',
      width: 220,
      value: (r) => r.callerArn ?? r.userName,
    }),
    server({ id: 'person', header: 'Person', width: 170, value: (r) => r.person }),
    server({
      id: 'identityType',
      header: 'Identity type',
      width: 130,
      value: (r) => r.identityType,
      defaultHidden: true,
    }),
    server({ id: 'region', header: 'Region', width: 100, value: (r) => r.region }),
    server({ id: 'eventId', header: 'Event id', kind: 'id', width: 180, value: (r) => r.eventId }),
    server({
      id: 'eventName',
      header: 'Event',
      width: 130,
      value: (r) => r.eventName,
      defaultHidden: true,
    }),
    server({
      id: 'accessKeyId',
      header: 'Access key',
      kind: 'id',
      width: 170,
      value: (r) => r.accessKeyId,
      defaultHidden: true,
    }),
    server({
      id: 'requestId',
      header: 'Request id',
      kind: 'id',
      width: 180,
      value: (r) => r.requestId,
      defaultHidden: true,
    }),
    server({
      id: 'truncated',
      header: 'Truncated by CloudTrail',
      width: 150,
      value: (r) => r.truncated,
      defaultHidden: true,
    }),
    server({
      id: 'filledFrom',
      header: 'Filled from',
      width: 120,
      value: (r) => r.filledFrom,
      defaultHidden: true,
    }),
    server({
      id: 'errorMessage',
      header: 'Error message',
      width: 220,
      value: (r) => r.errorMessage,
      defaultHidden: true,
    }),
  ];
}
