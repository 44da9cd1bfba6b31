// Sync and coverage: start or cancel a CloudTrail sync (paced at 2 requests/s per region, in the
// background), its progress with rate and time left, the day strip saying per region which days
// are complete, partial, held only in the cache, or missing, and clearing the cache.
import { useState } from 'react';
import type { AuditDayState } from '../../../../shared/audit';
import type { AuditInfo, AuditSyncMode, AuditSyncStatus } from '../../../../shared/channels/audit';
import {
  useAuditClear,
  useAuditCompleteness,
  useAuditSyncCancel,
  useAuditSyncStart,
} from '../../api/audit';
import { formatNumber } from '../../components/DataTable';
import { TypedConfirmDialog } from '../../components/TypedConfirmDialog';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { formatDuration } from './format';
import { DAY_STRIP_DAYS, RegionTruncated } from './TruncatedBanner';

const STATE_LABEL: Record<AuditDayState, string> = {
  complete: 'complete',
  partial: 'partial',
  'cache-only': 'held only in the local cache',
  missing: 'not synced',
};

function Progress({ status, onCancel }: { status: AuditSyncStatus; onCancel: () => void }) {
  const percent = Math.round(status.fraction * 100);
  const running = status.state === 'running';
  return (
    <div className="audit-progress" role="group" aria-label="CloudTrail sync progress">
      <progress max={100} value={percent} aria-label="Sync progress">
        {percent}%
      </progress>
      <span className="audit-progress-text" role="status">
        {running ? 'Syncing' : `Sync ${status.state}`}: {formatNumber(status.events)} events read,{' '}
        {formatNumber(status.added)} new
        {status.eventsPerSecond !== null && running
          ? ` · ${status.eventsPerSecond.toFixed(0)} events/s`
          : ''}
        {running && status.secondsLeft !== null
          ? ` · about ${formatDuration(status.secondsLeft)} left`
          : ''}
        {running ? ` · ${String(percent)}%` : ''}
      </span>
      {running && (
        <button type="button" onClick={onCancel}>
          Cancel sync
        </button>
      )}
      {status.regions
        .filter((r) => r.error)
        .map((r) => (
          <ErrorPanel
            key={r.region}
            title={`${r.region}: the sync stopped`}
            error={{
              code: r.error?.code ?? 'INTERNAL',
              message: r.error?.message ?? '',
              ...(r.error?.hint ? { hint: r.error.hint } : {}),
            }}
          />
        ))}
    </div>
  );
}

function DayStrip({ days }: { days: number }) {
  const data = useAuditCompleteness(days);
  if (data.error) return <ErrorPanel error={toDisplayableError(data.error)} />;
  if (!data.data) return null;
  const regions = data.data.regions;
  return (
    <div className="audit-days" aria-label="Days synced per region">
      {regions.map((region) => {
        const list = data.data.days.filter((d) => d.region === region);
        const complete = list.filter((d) => d.state === 'complete' || d.state === 'cache-only');
        const firstComplete = complete[0]?.day;
        const lastComplete = complete.at(-1)?.day;
        return (
          <div key={region} className="audit-days-row">
            <span className="audit-days-region">{region}</span>
            <ol className="audit-days-cells" aria-label={`Days in ${region}`}>
              {list.map((d) => (
                <li
                  key={d.day}
                  className={`audit-day audit-day-${d.state}`}
                  title={`${d.day} (UTC): ${STATE_LABEL[d.state]}`}
                  aria-label={`${d.day}: ${STATE_LABEL[d.state]}`}
                />
              ))}
            </ol>
            <span className="audit-days-summary">
              {firstComplete && lastComplete
                ? `${String(complete.length)} of ${String(list.length)} days complete · ${firstComplete} – ${lastComplete}`
                : 'No complete day yet'}
              <RegionTruncated count={data.data.truncatedEvents[region]} />
            </span>
          </div>
        );
      })}
      <p className="audit-legend" aria-hidden="true">
        <span className="audit-day audit-day-complete" /> complete
        <span className="audit-day audit-day-partial" /> partial
        <span className="audit-day audit-day-cache-only" /> cache only (older than CloudTrail’s 90
        days)
        <span className="audit-day audit-day-missing" /> not synced
      </p>
    </div>
  );
}

export function SyncPanel({ info, live }: { info: AuditInfo; live: AuditSyncStatus | null }) {
  const start = useAuditSyncStart();
  const cancel = useAuditSyncCancel();
  const clear = useAuditClear();
  const [mode, setMode] = useState<AuditSyncMode>('BatchMeterUsage');
  const [confirming, setConfirming] = useState(false);
  const status = live ?? info.running ?? info.lastSync;
  const running = status?.state === 'running';

  return (
    <section className="panel audit-sync" aria-label="CloudTrail sync">
      <div className="audit-sync-bar">
        <button
          type="button"
          className="primary"
          disabled={running || start.isPending || info.accountId === null}
          onClick={() => start.mutate({ mode })}
        >
          Sync CloudTrail
        </button>
        <label>
          Events{' '}
          <select value={mode} onChange={(e) => setMode(e.target.value as AuditSyncMode)}>
            <option value="BatchMeterUsage">BatchMeterUsage</option>
            <option value="all-metering">All metering calls</option>
          </select>
        </label>
        <span className="audit-note">
          Account <span className="mono">{info.accountId ?? 'unknown'}</span> ·{' '}
          {info.regions.join(', ') || 'no region'} · paced at CloudTrail’s 2 requests/s per region ·{' '}
          {formatNumber(info.events)} events, {formatNumber(info.rows)} records cached
        </span>
        <button
          type="button"
          className="audit-clear"
          disabled={running || info.events === 0}
          onClick={() => setConfirming(true)}
        >
          Clear cache…
        </button>
      </div>
      {start.error && <ErrorPanel error={toDisplayableError(start.error)} />}
      {status && <Progress status={status} onCancel={() => cancel.mutate(status.taskId)} />}
      <DayStrip days={DAY_STRIP_DAYS} />
      <TypedConfirmDialog
        title="Clear the audit cache?"
        open={confirming}
        onCancel={() => setConfirming(false)}
        onConfirm={() => clear.mutate(undefined, { onSuccess: () => setConfirming(false) })}
        keepLabel="Keep the cache"
        confirmLabel="Clear cache"
        pending={clear.isPending}
        error={clear.error && <ErrorPanel error={toDisplayableError(clear.error)} />}
      >
        <p>
          This forgets every cached CloudTrail event of account{' '}
          <span className="mono">{info.accountId}</span> ({formatNumber(info.events)} events).
          Events older than 90 days are no longer in CloudTrail and cannot be fetched again.
        </p>
      </TypedConfirmDialog>
    </section>
  );
}
