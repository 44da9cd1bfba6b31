// Events CloudTrail truncated: a banner with their number above the explorer, and a way to see
// only them. A truncated event's rows hold what could still be read; where this app sent the
// call, the journal filled in the rest (marked "from journal"). The count comes with the
// completeness answer the day strip already asks for, so it costs no query of its own.
import { useAuditCompleteness } from '../../api/audit';
import { formatNumber } from '../../components/DataTable';

/** The days the day strip shows; the banner shares its answer. */
export const DAY_STRIP_DAYS = 90;

/** Cached events CloudTrail truncated, every region together (null while unknown). */
function useTruncatedEvents(): number | null {
  const data = useAuditCompleteness(DAY_STRIP_DAYS).data;
  if (!data) return null;
  return Object.values(data.truncatedEvents).reduce((sum, n) => sum + n, 0);
}

export function TruncatedBanner({
  only,
  onOnly,
}: {
  only: boolean;
  onOnly: (on: boolean) => void;
}) {
  const count = useTruncatedEvents();
  if (!count) return null;
  return (
    <div className="panel audit-truncated" role="region" aria-label="Truncated by CloudTrail">
      <p>
        <strong>
          {formatNumber(count)} {count === 1 ? 'event was' : 'events were'} truncated by CloudTrail.
        </strong>{' '}
        CloudTrail left out a request or an answer bigger than its field size. Their rows show what
        could be read; calls sent from Meterdesk are filled in from the journal (marked “from
        journal”), others show the answer as unknown.{' '}
        <label>
          <input type="checkbox" checked={only} onChange={(e) => onOnly(e.target.checked)} /> Only
          truncated events
        </label>
      </p>
    </div>
  );
}

/** On the day strip: how many of a region's cached events CloudTrail truncated. */
export function RegionTruncated({ count }: { count: number | undefined }) {
  if (!count) return null;
  return <> · {formatNumber(count)} truncated by CloudTrail</>;
}
