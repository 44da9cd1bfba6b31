// Records this app sent (the journal says AWS answered) and whether the synced CloudTrail events
// show them. CloudTrail can take a while (about 15 minutes) to show metering events, so a record
// not there yet is only "missing" after the grace period; one already there is simply seen,
// whatever its age, as the grid shows it.
import { useAuditUnseen } from '../../api/audit';
import { formatNumber } from '../../components/DataTable';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';

const GRACE_MINUTES = 30;

function plural(n: number, one: string, many: string): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

export function UnseenPanel() {
  const unseen = useAuditUnseen(GRACE_MINUTES);
  if (unseen.error) return <ErrorPanel error={toDisplayableError(unseen.error)} />;
  const data = unseen.data;
  if (!data || data.seen + data.tooRecent + data.records.length === 0) return null;
  const total = data.seen + data.tooRecent + data.records.length;
  return (
    <section
      className="panel audit-unseen"
      aria-label="Sent from Meterdesk, not yet seen in CloudTrail"
    >
      <h2>Sent from Meterdesk, not yet seen in CloudTrail</h2>
      <p className="audit-note" role="status">
        {plural(total, 'journal record', 'journal records')} of this account{' '}
        {total === 1 ? 'was' : 'were'} answered by AWS: {plural(data.seen, 'is', 'are')} in the
        synced CloudTrail events
        {data.tooRecent > 0
          ? `; ${plural(data.tooRecent, 'was', 'were')} sent in the last ${String(GRACE_MINUTES)} minutes and ${data.tooRecent === 1 ? 'is' : 'are'} not expected there yet`
          : ''}
        .{' '}
        {data.records.length === 0
          ? 'Nothing older is missing (as far as the cache has been synced).'
          : `${plural(data.records.length, 'older one is', 'older ones are')} missing: sync again, or look into ${data.records.length === 1 ? 'it' : 'them'}.`}
      </p>
      {data.records.length > 0 && (
        <table className="audit-records" aria-label="Not yet seen in CloudTrail">
          <thead>
            <tr>
              <th scope="col">Sent at</th>
              <th scope="col">By</th>
              <th scope="col">Submission</th>
              <th scope="col">Customer</th>
              <th scope="col">Dimension</th>
              <th scope="col">Usage hour</th>
              <th scope="col" className="num">
                Quantity
              </th>
              <th scope="col">AWS answered</th>
              <th scope="col">MeteringRecordId</th>
            </tr>
          </thead>
          <tbody>
            {data.records.slice(0, 500).map((r) => (
              <tr key={`${r.submissionId}/${r.key}`}>
                <td>{r.at.replace('T', ' ').slice(0, 19)}Z</td>
                <td>{r.osUser}</td>
                <td className="mono">{r.submissionId}</td>
                <td className="mono">{r.customer}</td>
                <td>{r.dimension}</td>
                <td>{r.timestamp.replace('T', ' ').slice(0, 16)}Z</td>
                <td className="num">{formatNumber(r.quantity)}</td>
                <td>{r.status}</td>
                <td className="mono">{r.meteringRecordId ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
