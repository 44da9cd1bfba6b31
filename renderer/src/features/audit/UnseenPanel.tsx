// Records this app sent (the journal says AWS answered) that CloudTrail does not show after the
// grace period: CloudTrail can take a while (about 15 minutes) to show metering events.
import { useAuditUnseen } from '../../api/audit';
import { formatNumber } from '../../components/DataTable';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';

const GRACE_MINUTES = 30;

export function UnseenPanel() {
  const unseen = useAuditUnseen(GRACE_MINUTES);
  if (unseen.error) return <ErrorPanel error={toDisplayableError(unseen.error)} />;
  const data = unseen.data;
  if (!data || data.checked + data.tooRecent === 0) return null;
  return (
    <section
      className="panel audit-unseen"
      aria-label="Sent from Meterdesk, not yet seen in CloudTrail"
    >
      <h2>Sent from Meterdesk, not yet seen in CloudTrail</h2>
      <p className="audit-note">
        {formatNumber(data.checked)} journal records of this account were answered by AWS more than{' '}
        {GRACE_MINUTES} minutes ago
        {data.tooRecent > 0
          ? `; ${formatNumber(data.tooRecent)} more are recent and not expected in CloudTrail yet`
          : ''}
        .{' '}
        {data.records.length === 0
          ? 'CloudTrail shows every one of them (as far as the cache has been synced).'
          : `${formatNumber(data.records.length)} are not in the synced CloudTrail events: sync again, or look into them.`}
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
