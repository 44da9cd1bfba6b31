// Summaries of the filtered rows, computed in main (`audit:aggregate`): quantity over time by
// dimension, the same for one customer, statuses other than Success, failed calls by error, and
// totals per customer and dimension per hour or day.
import { useMemo, useState } from 'react';
import type { AuditAggregateOutput, AuditBucket, AuditFilter } from '../../../../shared/audit';
import type { CustomerDirectory } from '../../../../shared/channels/customer-directory';
import { useAuditAggregate } from '../../api/audit';
import { DataTable, formatNumber, type DataColumn } from '../../components/DataTable';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { customerOptions, withCustomer } from './customer-filter';
import { formatUtc } from './format';
import { UsageChart, type ChartSeries } from './UsageChart';

/** A chart point: the quantity billed (once) in a bucket for a dimension. */
type Point = { bucketStart: number; dimension: string; successQuantity: number };

/** Buckets on the x axis (every bucket, so gaps show as gaps) and one series per dimension. */
function toSeries(points: readonly Point[], bucket: AuditBucket) {
  if (points.length === 0) return { x: [] as number[], series: [] as ChartSeries[] };
  const step = bucket === 'hour' ? 3_600_000 : 86_400_000;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.bucketStart);
    hi = Math.max(hi, p.bucketStart);
  }
  // Hourly over months would be thousands of points: cap to the last 60 days of hours.
  if (bucket === 'hour') lo = Math.max(lo, hi - 60 * 24 * step);
  const x: number[] = [];
  for (let t = lo; t <= hi; t += step) x.push(t);
  const index = new Map(x.map((t, i) => [t, i]));
  const dims = [...new Set(points.map((p) => p.dimension))].sort();
  const series = dims.map((d): ChartSeries => ({
    label: d || '(none)',
    values: x.map(() => null),
  }));
  for (const p of points) {
    const i = index.get(p.bucketStart);
    const s = series[dims.indexOf(p.dimension)];
    if (i === undefined || !s) continue;
    s.values[i] = (s.values[i] ?? 0) + p.successQuantity;
  }
  return { x, series };
}

type TotalRow = AuditAggregateOutput['customerDimension'][number];

const totalColumns: DataColumn<TotalRow>[] = [
  {
    id: 'bucket',
    header: 'Hour or day (UTC)',
    kind: 'time',
    value: (r) => r.bucketStart,
    // A day bucket starts at 00:00: shown as the date alone.
    render: (r) =>
      r.bucketStart % 86_400_000 === 0
        ? formatUtc(r.bucketStart).slice(0, 10)
        : formatUtc(r.bucketStart, true),
  },
  { id: 'customer', header: 'Customer', kind: 'id', value: (r) => r.customer },
  {
    id: 'license',
    header: 'LicenseArn',
    kind: 'id',
    value: (r) => r.licenseArn,
    defaultHidden: true,
  },
  { id: 'dimension', header: 'Dimension', kind: 'text', value: (r) => r.dimension },
  { id: 'quantity', header: 'Quantity (all)', kind: 'number', value: (r) => r.quantity },
  { id: 'success', header: 'Billed (once)', kind: 'number', value: (r) => r.successQuantity },
  { id: 'records', header: 'Records', kind: 'number', value: (r) => r.records },
];

type AuditChartsProps = {
  filter: AuditFilter;
  /** Links a customer's ids and names them, where the app knows them. */
  directory?: CustomerDirectory | undefined;
};

export function AuditCharts({ filter, directory }: AuditChartsProps) {
  const [bucket, setBucket] = useState<AuditBucket>('day');
  const [time, setTime] = useState<'usageHour' | 'eventTime'>('usageHour');
  const [customer, setCustomer] = useState('');
  const agg = useAuditAggregate(filter, { bucket, time });
  const options = useMemo(() => {
    const totals = new Map<string, number>();
    for (const r of agg.data?.customerDimension ?? []) {
      totals.set(r.customer, (totals.get(r.customer) ?? 0) + r.quantity);
    }
    const seen = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
    return customerOptions(seen, directory);
  }, [agg.data, directory]);
  const chosen = options.find((o) => o.value === customer);
  // Without a customer this is the same question as above (one request, shared). A customer is
  // every id it is known by (either id finds both).
  const one = useAuditAggregate(
    chosen ? withCustomer(filter, chosen.ids) : filter,
    chosen ? { bucket, time, maxGroups: 1 } : { bucket, time },
  );

  const overall = useMemo(
    () => toSeries(agg.data?.dimensionSeries ?? [], bucket),
    [agg.data, bucket],
  );
  const forCustomer = useMemo(
    () => (chosen ? toSeries(one.data?.dimensionSeries ?? [], bucket) : null),
    [one.data, chosen, bucket],
  );

  if (agg.error) return <ErrorPanel error={toDisplayableError(agg.error)} />;
  const data = agg.data;
  const failedRecords = data?.statusCounts.reduce((s, c) => s + c.records, 0) ?? 0;
  const maxStatus = Math.max(1, ...(data?.statusCounts.map((s) => s.records) ?? [1]));
  const maxError = Math.max(1, ...(data?.errorCodes.map((s) => s.calls) ?? [1]));

  return (
    <section className="panel audit-charts" aria-label="Summaries and charts">
      <div className="audit-chart-controls">
        <label>
          Per{' '}
          <select value={bucket} onChange={(e) => setBucket(e.target.value as AuditBucket)}>
            <option value="day">day</option>
            <option value="hour">hour</option>
          </select>
        </label>
        <label>
          By{' '}
          <select
            value={time}
            onChange={(e) => setTime(e.target.value as 'usageHour' | 'eventTime')}
          >
            <option value="usageHour">usage hour</option>
            <option value="eventTime">event time</option>
          </select>
        </label>
        <label>
          Chart one customer{' '}
          <select value={customer} onChange={(e) => setCustomer(e.target.value)}>
            <option value="">— choose one —</option>
            {options.slice(0, 500).map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        {data && (
          <span className="audit-note">
            {formatNumber(data.totals.records)} records in {formatNumber(data.totals.calls)} calls ·
            quantity {formatNumber(data.totals.quantity)} · billed once{' '}
            {formatNumber(data.totals.successQuantity)} (
            {formatNumber(data.totals.billing.billedRecords)} records) · replays, not billed again:{' '}
            {formatNumber(data.totals.billing.replayRecords)}
            {data.totals.truncatedCalls > 0
              ? ` · truncated by CloudTrail: ${formatNumber(data.totals.truncatedCalls)} calls`
              : ''}
          </span>
        )}
      </div>
      <div className="audit-chart-grid">
        <UsageChart
          title="Quantity by dimension (billed once)"
          x={overall.x}
          series={overall.series}
          hourly={bucket === 'hour'}
        />
        {forCustomer ? (
          <UsageChart
            title={`Quantity for ${chosen?.label ?? customer} (billed once)`}
            x={forCustomer.x}
            series={forCustomer.series}
            hourly={bucket === 'hour'}
          />
        ) : (
          <figure className="audit-chart">
            <figcaption>Quantity for one customer</figcaption>
            <p className="audit-note">Choose a customer above to chart their usage alone.</p>
          </figure>
        )}
      </div>
      <div className="audit-counts">
        <table className="audit-bars" aria-label="Records not accepted, by status">
          <caption>Records not accepted ({formatNumber(failedRecords)})</caption>
          <tbody>
            {(data?.statusCounts ?? []).map((s) => (
              <tr key={s.status}>
                <th scope="row">{s.status}</th>
                <td className="num">{formatNumber(s.records)}</td>
                <td className="audit-bar-cell">
                  <span
                    className="audit-bar"
                    style={{ width: `${String((s.records / maxStatus) * 100)}%` }}
                  />
                </td>
              </tr>
            ))}
            {data?.statusCounts.length === 0 && (
              <tr>
                <td colSpan={3}>Every record was accepted.</td>
              </tr>
            )}
          </tbody>
        </table>
        <table className="audit-bars" aria-label="Failed calls by error">
          <caption>Failed calls by error</caption>
          <tbody>
            {(data?.errorCodes ?? []).map((e) => (
              <tr key={e.errorCode}>
                <th scope="row" className="mono">
                  {e.errorCode}
                </th>
                <td className="num">
                  {formatNumber(e.calls)} {e.calls === 1 ? 'call' : 'calls'} ·{' '}
                  {formatNumber(e.records)} {e.records === 1 ? 'record' : 'records'}
                </td>
                <td className="audit-bar-cell">
                  <span
                    className="audit-bar audit-bar-error"
                    style={{ width: `${String((e.calls / maxError) * 100)}%` }}
                  />
                </td>
              </tr>
            ))}
            {data?.errorCodes.length === 0 && (
              <tr>
                <td colSpan={3}>No call failed.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <h3>Totals per customer and dimension, per {bucket}</h3>
      {data?.customerDimensionTruncated && (
        <p className="audit-note">More groups than shown: narrow the filters to see all of them.</p>
      )}
      <DataTable
        tableId="audit-totals"
        label={`Totals per customer and dimension per ${bucket}`}
        rows={data?.customerDimension ?? []}
        columns={totalColumns}
        getRowId={(r) =>
          `${String(r.bucketStart)}|${r.customer}|${r.licenseArn ?? ''}|${r.dimension}`
        }
        height="280px"
        emptyMessage="No usage records for these filters."
      />
    </section>
  );
}
