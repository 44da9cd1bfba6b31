// Bulk resolve: a list of tokens (lines or CSV) resolved in main at ResolveCustomer's pace, with
// a determinate progress bar, rate and time left, cancel, a results table and exports.
import { useId, useMemo, useState } from 'react';
import type { BulkRow } from '../../../../shared/channels/customers';
import { bulkRowsToCsv, bulkRowsToJson, parseBulkInput } from '../../../../shared/customers';
import { useBulkResolve } from '../../api/customers';
import { DataTable, formatNumber, type DataColumn } from '../../components/DataTable';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { downloadText } from '../../components/download';
import { duration, failureLabels, utc } from './format';
import { customerIdentityColumns } from './columns';

const outcomeLabel: Record<BulkRow['outcome'], string> = {
  resolved: 'Resolved',
  failed: 'Failed',
  skipped: 'Skipped',
  duplicate: 'Duplicate',
  cancelled: 'Not sent (cancelled)',
};

const columns: DataColumn<BulkRow>[] = [
  { id: 'line', header: 'Line', kind: 'number', width: 70, value: (r) => r.line },
  {
    id: 'outcome',
    header: 'Outcome',
    width: 150,
    value: (r) =>
      r.outcome === 'failed' && r.failureKind
        ? `Failed: ${failureLabels[r.failureKind]}`
        : outcomeLabel[r.outcome],
    render: (r) => (
      <span
        className={
          r.outcome === 'resolved'
            ? 'cu-outcome-resolved'
            : r.outcome === 'failed'
              ? 'cu-outcome-failed'
              : undefined
        }
      >
        {r.outcome === 'failed' && r.failureKind
          ? `Failed: ${failureLabels[r.failureKind]}`
          : outcomeLabel[r.outcome]}
      </span>
    ),
  },
  ...customerIdentityColumns(),
  { id: 'problem', header: 'Problem', width: 260, value: (r) => r.message },
  { id: 'next', header: 'Next step', width: 320, value: (r) => r.nextStep, defaultHidden: true },
  {
    id: 'before',
    header: 'Resolved before',
    kind: 'time',
    value: (r) => (r.resolvedBefore === undefined ? undefined : utc(r.resolvedBefore)),
  },
  { id: 'hash', header: 'Token hash', kind: 'id', width: 130, value: (r) => r.tokenHash },
];

export function BulkResolve() {
  const id = useId();
  const [text, setText] = useState('');
  const run = useBulkResolve();
  const parsed = useMemo(() => (text.trim() === '' ? null : parseBulkInput(text)), [text]);
  const counts = useMemo(() => {
    const items = parsed?.items ?? [];
    return {
      tokens: items.filter((i) => i.kind === 'token').length,
      duplicates: items.filter((i) => i.kind === 'duplicate').length,
      unreadable: items.filter((i) => i.kind === 'unreadable'),
    };
  }, [parsed]);
  const status = run.status;
  const running = status?.state === 'running';
  const done = run.progress?.done ?? status?.done ?? 0;
  const total = status?.total ?? 0;
  const rate = run.progress?.ratePerSecond ?? status?.ratePerSecond ?? null;
  const left = run.progress?.secondsLeft ?? status?.secondsLeft ?? null;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

  return (
    <div className="cu-stack">
      <section className="panel" aria-labelledby={`${id}-heading`}>
        <h2 id={`${id}-heading`}>Resolve a list of tokens</h2>
        <form
          className="cu-stack"
          onSubmit={(event) => {
            event.preventDefault();
            if (counts.tokens > 0 && !running) run.start(text);
          }}
        >
          <Field
            label="Tokens to resolve"
            help="One token or form body per line, or a CSV with a “token” column. Repeated tokens are resolved once. Calls are paced at ResolveCustomer’s rate."
          >
            {(control) => (
              <textarea
                {...control}
                className="cu-paste"
                rows={6}
                spellCheck={false}
                value={text}
                onChange={(event) => setText(event.target.value)}
              />
            )}
          </Field>
          {parsed && (
            <p className="cu-help" role="status">
              {formatNumber(counts.tokens)} token{counts.tokens === 1 ? '' : 's'} to resolve
              {parsed.mode === 'csv' && parsed.column !== undefined
                ? ` (CSV column “${parsed.column}”)`
                : ''}
              {counts.duplicates > 0 ? ` · ${formatNumber(counts.duplicates)} repeated` : ''}
              {counts.unreadable.length > 0
                ? ` · ${formatNumber(counts.unreadable.length)} unreadable (line ${counts.unreadable
                    .slice(0, 5)
                    .map((i) => i.line)
                    .join(', ')}${counts.unreadable.length > 5 ? ', …' : ''})`
                : ''}
            </p>
          )}
          <div className="cu-actions">
            <button
              type="submit"
              className="primary"
              disabled={counts.tokens === 0 || running || run.starting}
            >
              {counts.tokens > 0
                ? `Resolve ${formatNumber(counts.tokens)} token${counts.tokens === 1 ? '' : 's'}`
                : 'Resolve'}
            </button>
          </div>
        </form>
        {run.error && <ErrorPanel title="The list was not resolved." error={run.error} />}
      </section>

      {status && (
        <section className="panel cu-stack" aria-label="Bulk resolve results">
          <div className="cu-progress">
            <progress aria-label="Bulk resolve progress" max={Math.max(1, total)} value={done} />
            <div className="cu-progress-line" role="status">
              <span>
                {formatNumber(done)} of {formatNumber(total)} resolved
                {status.state === 'cancelled' ? ' — cancelled' : ''}
                {status.state === 'finished' ? ' — finished' : ''}
              </span>
              {rate !== null && <span>{rate.toFixed(1)} per second</span>}
              {running && left !== null && <span>{duration(left)} left</span>}
              <span className="cu-spacer" />
              {running && (
                <button type="button" onClick={run.cancel}>
                  Cancel
                </button>
              )}
            </div>
          </div>
          <div className="cu-counts">
            <span>Resolved: {formatNumber(status.counts.resolved)}</span>
            <span>Failed: {formatNumber(status.counts.failed)}</span>
            <span>Skipped: {formatNumber(status.counts.skipped)}</span>
          </div>
          <DataTable
            tableId="customers-bulk"
            label="Bulk resolve results"
            rows={run.rows}
            columns={columns}
            getRowId={(row) => String(row.line)}
            height="320px"
            emptyMessage="Results appear here as the tokens are resolved."
            toolbar={
              <>
                <button
                  type="button"
                  disabled={running || run.rows.length === 0}
                  onClick={() =>
                    downloadText(
                      `meterdesk-resolved-${stamp}.csv`,
                      bulkRowsToCsv(run.rows),
                      'text/csv',
                    )
                  }
                >
                  Export CSV
                </button>
                <button
                  type="button"
                  disabled={running || run.rows.length === 0}
                  onClick={() =>
                    downloadText(
                      `meterdesk-resolved-${stamp}.json`,
                      bulkRowsToJson(run.rows),
                      'application/json',
                    )
                  }
                >
                  Export JSON
                </button>
              </>
            }
          />
        </section>
      )}
    </div>
  );
}
