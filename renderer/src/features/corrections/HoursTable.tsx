// The case hour by hour: what Meterdesk sent, what CloudTrail shows billed, what the case counts
// as billed, the invoice, what should have been billed and the difference in units and money.
import type { CaseHour, CaseView } from '../../../../shared/channels/corrections';
import { DataTable, type DataColumn } from '../../components/DataTable';
import { formatHour, formatMoneyText } from './format';

const sourceLabels: Record<CaseHour['billedFrom'], string> = {
  both: 'Journal and CloudTrail',
  journal: 'Journal',
  cloudtrail: 'CloudTrail',
  none: '—',
};

function columns(view: CaseView): DataColumn<CaseHour>[] {
  const currency = view.agreement.currencyCode;
  return [
    {
      id: 'hour',
      header: 'Hour (UTC)',
      kind: 'time',
      value: (h) => h.hour,
      render: (h) => formatHour(h.hour),
      alwaysVisible: true,
      width: 175,
    },
    { id: 'sent', header: 'Sent (journal)', kind: 'number', value: (h) => h.sent },
    {
      id: 'billedCloudTrail',
      header: 'Billed per CloudTrail',
      kind: 'number',
      value: (h) => h.billedCloudTrail,
      width: 170,
    },
    { id: 'billed', header: 'Billed', kind: 'number', value: (h) => h.billed, alwaysVisible: true },
    // The case's own top-ups land in other hours than the usage they make up for: show them.
    {
      id: 'topUp',
      header: 'Top-up (this case)',
      kind: 'number',
      value: (h) => (h.topUp === 0 ? null : h.topUp),
      width: 150,
    },
    {
      id: 'correct',
      header: 'Should have been billed',
      kind: 'number',
      value: (h) => h.correct,
      alwaysVisible: true,
      width: 195,
    },
    {
      id: 'differenceUnits',
      header: 'Difference (units)',
      kind: 'number',
      value: (h) => h.differenceUnits,
      width: 140,
    },
    {
      id: 'differenceAmount',
      header: `Difference (${currency})`,
      value: (h) => h.differenceAmount,
      render: (h) =>
        h.differenceAmount === null ? (
          ''
        ) : (
          <span className="num">{formatMoneyText(h.differenceAmount, currency)}</span>
        ),
      width: 150,
    },
    { id: 'source', header: 'Billed per', value: (h) => sourceLabels[h.billedFrom], width: 170 },
    {
      id: 'invoice',
      header: 'Invoice',
      kind: 'id',
      value: (h) =>
        h.invoice?.invoiceId ??
        (h.invoiceExpectedFrom === undefined ? '' : `expected from ${h.invoiceExpectedFrom}`),
      width: 220,
    },
    { id: 'window', header: 'Window', value: (h) => (h.windowOpen ? 'open' : 'closed'), width: 90 },
    {
      id: 'note',
      header: 'Note',
      value: (h) => h.mismatch ?? '',
      defaultHidden: true,
      width: 320,
    },
  ];
}

export function HoursTable({ view }: { view: CaseView }) {
  return (
    <DataTable
      tableId="corrections-hours"
      label="Hours of the case"
      rows={view.hours}
      columns={columns(view)}
      getRowId={(h) => h.hour}
      height={`${String(Math.min(360, 72 + view.hours.length * 30))}px`}
      rowClassName={(h) =>
        h.differenceUnits === null || h.differenceUnits === 0
          ? undefined
          : h.differenceUnits > 0
            ? 'corrections-under'
            : 'corrections-over'
      }
    />
  );
}
