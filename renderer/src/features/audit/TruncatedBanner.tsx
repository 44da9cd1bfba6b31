// Events CloudTrail truncated: a banner with their number above the explorer, and a way to see
// only them. A truncated event's rows hold what could still be read; where this app sent the
// call, the journal filled in the rest (marked "from journal").
import type { AuditFilter } from '../../../../shared/audit';
import { useAuditAggregate } from '../../api/audit';
import { formatNumber } from '../../components/DataTable';

/** Truncated calls among those a filter matches (every cached call by default). */
export function useTruncatedCalls(filter: AuditFilter = {}): number | null {
  const agg = useAuditAggregate(filter, { bucket: 'day', maxGroups: 1 });
  return agg.data?.totals.truncatedCalls ?? null;
}

export function TruncatedBanner({
  only,
  onOnly,
}: {
  only: boolean;
  onOnly: (on: boolean) => void;
}) {
  const count = useTruncatedCalls();
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
export function RegionTruncated({ region }: { region: string }) {
  const count = useTruncatedCalls({ text: [{ column: 'region', op: 'equals', value: region }] });
  if (!count) return null;
  return <> · {formatNumber(count)} truncated by CloudTrail</>;
}
