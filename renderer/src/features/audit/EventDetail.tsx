// One event in detail: the usage records parsed from it and the raw CloudTrail record exactly as
// received, pretty-printed (fields the parser does not know are all there). Two events can be
// compared side by side, with the lines that differ marked.
import { useMemo } from 'react';
import type { AuditExplorerRow } from '../../../../shared/channels/audit';
import { useAuditRaw } from '../../api/audit';
import { CopyValue } from '../../components/CopyValue';
import { formatNumber } from '../../components/DataTable';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { formatUtc } from './format';

/** The record re-indented for reading; the verbatim text when it is not JSON. */
export function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text) as unknown, null, 2);
  } catch {
    return text;
  }
}

function Facts({ row }: { row: AuditExplorerRow }) {
  return (
    <dl className="audit-facts">
      <dt>Event</dt>
      <dd>
        {row.eventName} at {formatUtc(row.eventTime)} in {row.region}
      </dd>
      <dt>Event id</dt>
      <dd>
        <CopyValue value={row.eventId} label="event id" />
      </dd>
      <dt>Caller</dt>
      <dd>
        {row.callerArn ? (
          <CopyValue value={row.callerArn} label="caller ARN" />
        ) : (
          (row.userName ?? '—')
        )}
      </dd>
      {row.errorCode !== undefined && (
        <>
          <dt>Failed call</dt>
          <dd className="audit-failed">
            {row.errorCode}
            {row.errorMessage ? ` — ${row.errorMessage}` : ''}
          </dd>
        </>
      )}
    </dl>
  );
}

function RecordsList({ rows }: { rows: readonly AuditExplorerRow[] }) {
  return (
    // Focusable, so keyboard users can scroll a wide table sideways.
    <div
      className="audit-records-wrap"
      role="region"
      aria-label="Usage records in this event"
      tabIndex={0}
    >
      <table className="audit-records">
        <caption className="visually-hidden">Usage records in this event</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Usage hour</th>
            <th scope="col">Customer</th>
            <th scope="col">Dimension</th>
            <th scope="col" className="num">
              Quantity
            </th>
            <th scope="col">Status</th>
            <th scope="col">MeteringRecordId</th>
            <th scope="col">Sent from Meterdesk</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.recordIndex}>
              <td>{r.recordIndex + 1}</td>
              <td>{r.usageHour === null ? '—' : formatUtc(r.usageHour, true)}</td>
              <td className="mono">
                {r.customerAwsAccountId ?? r.customerIdentifier ?? r.licenseArn ?? '—'}
              </td>
              <td>{r.dimension || '—'}</td>
              <td className="num">{formatNumber(r.quantity)}</td>
              <td>
                <span className={`audit-status audit-status-${r.status}`}>{r.status}</span>
              </td>
              <td className="mono">{r.meteringRecordId ?? '—'}</td>
              <td>{r.sent ? `${r.sent.osUser} (${r.sent.submissionId})` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function EventDetail({ eventId, onClose }: { eventId: string; onClose: () => void }) {
  const raw = useAuditRaw(eventId);
  const text = useMemo(() => (raw.data ? pretty(raw.data.text) : ''), [raw.data]);
  const first = raw.data?.rows[0];
  return (
    <section className="panel audit-detail" aria-label="Event details">
      <header className="audit-detail-head">
        <h2>Event details</h2>
        <button type="button" onClick={onClose}>
          Close details
        </button>
      </header>
      {raw.error && <ErrorPanel error={toDisplayableError(raw.error)} />}
      {raw.isPending && <p role="status">Reading the record from the cache…</p>}
      {raw.data && (
        <>
          {first && <Facts row={first} />}
          <RecordsList rows={raw.data.rows} />
          <h3>Raw CloudTrail record</h3>
          <p className="audit-note">
            Exactly as CloudTrail returned it, indented for reading. Fields Meterdesk does not
            interpret are here too.{' '}
            <button type="button" onClick={() => void navigator.clipboard.writeText(raw.data.text)}>
              Copy raw record
            </button>
          </p>
          <pre className="audit-raw" aria-label="Raw CloudTrail record" tabIndex={0}>
            {text}
          </pre>
        </>
      )}
    </section>
  );
}

function RawColumn({ eventId, other }: { eventId: string; other: string[] | null }) {
  const raw = useAuditRaw(eventId);
  const lines = useMemo(() => (raw.data ? pretty(raw.data.text).split('\n') : []), [raw.data]);
  const otherSet = useMemo(() => new Set(other ?? []), [other]);
  return (
    <div className="audit-compare-col">
      <h3 className="mono">{eventId}</h3>
      {raw.error && <ErrorPanel error={toDisplayableError(raw.error)} />}
      <pre className="audit-raw" aria-label={`Raw record ${eventId}`} tabIndex={0}>
        {lines.map((line, i) => (
          <span key={i} className={other && !otherSet.has(line) ? 'audit-diff' : undefined}>
            {line}
            {'\n'}
          </span>
        ))}
      </pre>
    </div>
  );
}

/** Lines of a record, for marking what the other one does not have. */
function useLines(eventId: string): string[] | null {
  const raw = useAuditRaw(eventId);
  return useMemo(() => (raw.data ? pretty(raw.data.text).split('\n') : null), [raw.data]);
}

/** MeteringRecordIds both events carry: the same record answered twice (a replay). */
export function sharedRecordIds(
  left: readonly AuditExplorerRow[],
  right: readonly AuditExplorerRow[],
): string[] {
  const ids = new Set(left.flatMap((r) => (r.meteringRecordId ? [r.meteringRecordId] : [])));
  const shared = new Set(
    right.flatMap((r) =>
      r.meteringRecordId && ids.has(r.meteringRecordId) ? [r.meteringRecordId] : [],
    ),
  );
  return [...shared].sort();
}

function SharedRecords({ left, right }: { left: string; right: string }) {
  const a = useAuditRaw(left);
  const b = useAuditRaw(right);
  if (!a.data || !b.data) return null;
  const shared = sharedRecordIds(a.data.rows, b.data.rows);
  if (shared.length === 0) {
    return (
      <p className="audit-note" role="status">
        No MeteringRecordId is in both events: they billed different records.
      </p>
    );
  }
  return (
    <div className="audit-replay" role="status" aria-label="Shared MeteringRecordIds">
      <p>
        <strong>
          {formatNumber(shared.length)}{' '}
          {shared.length === 1 ? 'MeteringRecordId is' : 'MeteringRecordIds are'} in both events: a
          replay.
        </strong>{' '}
        AWS answered the same record again with the same id; it is billed once.
      </p>
      <ul>
        {shared.map((id) => (
          <li key={id}>
            <CopyValue value={id} label={`MeteringRecordId ${id}`} />
          </li>
        ))}
      </ul>
    </div>
  );
}

export function CompareEvents({
  left,
  right,
  onClose,
}: {
  left: string;
  right: string;
  onClose: () => void;
}) {
  const leftLines = useLines(left);
  const rightLines = useLines(right);
  return (
    <section className="panel audit-compare" aria-label="Compare events">
      <header className="audit-detail-head">
        <h2>Two events side by side</h2>
        <span className="audit-note">Lines only one of them has are marked.</span>
        <button type="button" onClick={onClose}>
          Close comparison
        </button>
      </header>
      <SharedRecords left={left} right={right} />
      <div className="audit-compare-grid">
        <RawColumn eventId={left} other={rightLines} />
        <RawColumn eventId={right} other={leftLines} />
      </div>
    </section>
  );
}
