// The Journal: every record of every submission with what AWS answered, filterable and
// exportable; the chain check; interrupted submissions with a one-click resume; one
// submission's calls in detail.
import { useEffect, useMemo, useState } from 'react';
import type {
  InterruptedView,
  JournalFilter,
  JournalRow,
  JournalRowStatus,
} from '../../../../shared/channels/journal';
import type { BillingTotals } from '../../../../shared/billing';
import { DataTable, type DataColumn } from '../../components/DataTable';
import { downloadText } from '../../components/download';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { Screen } from '../../components/Screen';
import { formatNumber } from '../../locale';
import {
  useInterruptedSubmissions,
  useJournalExport,
  useJournalQuery,
  useJournalSubmission,
  useJournalSync,
  useJournalVerify,
} from '../../api/journal';
import { useResumeSubmission } from '../../api/metering-submit';
import { useBillingConfirmation } from '../connections/useBillingConfirmation';
import { SubmissionProgress } from '../metering/submission/SubmissionProgress';
import './journal.css';

const number = { format: formatNumber };

function journalColumns(open: (submissionId: string) => void): DataColumn<JournalRow>[] {
  return [
    {
      id: 'at',
      header: 'Journaled (UTC)',
      kind: 'time',
      value: (r) => r.at,
      alwaysVisible: true,
      width: 215,
    },
    { id: 'status', header: 'Status', value: rowStatusLabel, width: 150 },
    {
      id: 'customer',
      header: 'Customer',
      kind: 'id',
      value: (r) => r.customer,
      width: 150,
    },
    { id: 'licenseArn', header: 'LicenseArn', kind: 'id', value: (r) => r.licenseArn, width: 220 },
    { id: 'dimension', header: 'Dimension', value: (r) => r.dimension },
    {
      id: 'timestamp',
      header: 'Usage hour (UTC)',
      kind: 'time',
      value: (r) => r.timestamp,
      width: 215,
    },
    { id: 'quantity', header: 'Quantity', kind: 'number', value: (r) => r.quantity },
    {
      id: 'meteringRecordId',
      header: 'MeteringRecordId',
      kind: 'id',
      value: (r) => r.meteringRecordId,
      width: 220,
    },
    {
      id: 'submission',
      header: 'Submission',
      kind: 'id',
      value: (r) => r.submissionId,
      width: 200,
      render: (r) => (
        <button
          type="button"
          className="mono"
          onClick={() => open(r.submissionId)}
          aria-label={`Details of submission ${r.submissionId}`}
        >
          {r.submissionId}
        </button>
      ),
    },
    {
      id: 'connection',
      header: 'Connection',
      value: (r) => `${r.connectionName} · ${r.region}`,
      width: 170,
    },
    { id: 'osUser', header: 'OS user', value: (r) => r.osUser, width: 100 },
    {
      id: 'detail',
      header: 'Detail',
      value: rowDetail,
      width: 300,
    },
  ];
}

/** The status as the Journal says it: a Success already billed before is a replay. */
function rowStatusLabel(row: JournalRow): string {
  const label =
    row.billing === 'replay'
      ? 'Replay (billed before)'
      : row.parked === true
        ? 'Unprocessed, retry later'
        : statusLabels[row.status];
  return row.unverified === true ? `${label} (unverified: past the journal's break)` : label;
}

function rowDetail(row: JournalRow): string {
  const parts: string[] = [];
  if (row.error !== undefined) parts.push(row.error);
  if (row.billing === 'replay') {
    parts.push(
      `Same MeteringRecordId as ${row.billedIn ?? 'an earlier submission'}: billed there, not again.`,
    );
  }
  if (row.billing === 'duplicate') {
    parts.push(
      row.standingQuantity === undefined
        ? 'Not billed: the quantity AWS billed first for this hour stands.'
        : `Not billed: the quantity ${number.format(row.standingQuantity)} billed first stands.`,
    );
  }
  if (row.resentIn) parts.push(`Resent in ${row.resentIn}.`);
  if (row.sentIn) parts.push(`Sent in ${row.sentIn}.`);
  return parts.join(' ');
}

/** The status filter's choices: AWS's statuses, with Success split into billed and replays. */
type StatusChoice = JournalRowStatus | 'replay' | '';

function filterOfChoice(choice: StatusChoice): Pick<JournalFilter, 'status' | 'billing'> {
  if (choice === '') return {};
  if (choice === 'replay') return { billing: ['replay'] };
  if (choice === 'Success') return { status: ['Success'], billing: ['billed'] };
  return { status: [choice] };
}

/**
 * Records per filter choice, counted as billed once: "Billed" counts first Successes only, so
 * three records submitted twice show Billed (3) and Replay (3), never Billed (6).
 */
function statusCount(
  facets: { statuses: Record<string, number>; billing: Record<string, number> } | undefined,
  status: JournalRowStatus,
): number {
  if (status === 'Success') return facets?.billing.billed ?? 0;
  return facets?.statuses[status] ?? 0;
}

function BillingLine({ billing, total }: { billing: BillingTotals; total: number }) {
  return (
    <p role="status" aria-live="polite" aria-label="Billed once">
      {number.format(total)} records · billed: {number.format(billing.billedRecords)} (quantity{' '}
      {number.format(billing.billedQuantity)}) · replays, not billed again:{' '}
      {number.format(billing.replayRecords)} · DuplicateRecord, not billed:{' '}
      {number.format(billing.duplicateRecords)}
      {billing.unknownRecords > 0
        ? ` · answer unknown: ${number.format(billing.unknownRecords)}`
        : ''}
    </p>
  );
}

const statusLabels: Record<JournalRowStatus, string> = {
  Success: 'Billed',
  DuplicateRecord: 'Duplicate',
  CustomerNotSubscribed: 'Not subscribed',
  Rejected: 'Rejected',
  Unprocessed: 'Not processed',
  Unknown: 'Answer lost',
  NoOutcome: 'No answer journaled',
  NotSent: 'Not sent',
  WindowClosed: 'Window closed; check CloudTrail',
  BilledPerCloudTrail: 'Billed (per CloudTrail)',
  NotBilled: 'Not billed (per CloudTrail)',
  SentLater: 'Sent later',
};

function submissionFromHash(): string | null {
  const query = window.location.hash.split('?')[1] ?? '';
  return new URLSearchParams(query).get('submission');
}

function VerifyLine() {
  const verify = useJournalVerify();
  if (verify.isPending) return <p role="status">Checking the journal’s chain of hashes…</p>;
  if (verify.error) return <ErrorPanel error={toDisplayableError(verify.error)} />;
  const { report, path } = verify.data;
  if (!report.ok) {
    // The app-wide banner names the line and offers the way out.
    return (
      <p className="journal-verify" role="status">
        The journal does not verify from line {report.firstBrokenLine ?? '?'} on (see the banner
        above). File: <span className="mono">{path}</span>
      </p>
    );
  }
  return (
    <p className="journal-verify" role="status">
      Journal intact: {number.format(report.lines)} lines, every hash in the chain checked
      {report.tornTail ? ' (the last line was cut off by a crash; tolerated)' : ''}.{' '}
      <button type="button" onClick={() => void verify.refetch()}>
        Check again
      </button>
    </p>
  );
}

/** How a submission on the resume list ended. */
const endingLabels: Record<InterruptedView['ending'], string> = {
  interrupted: 'cut off',
  cancelled: 'cancelled',
  finished: 'finished with records to retry later',
};

function Interrupted({ onResumed }: { onResumed: (id: string) => void }) {
  const list = useInterruptedSubmissions();
  const billing = useBillingConfirmation();
  const resume = useResumeSubmission(billing.run);
  const subs = list.data?.submissions ?? [];
  if (subs.length === 0) return null;
  return (
    <section className="panel" aria-label="Interrupted submissions">
      <h2>Interrupted submissions</h2>
      <p>
        These ended before every record had an answer: cut off (the app stopped, or the credentials
        or access failed) or cancelled. Resuming sends exactly the records without one; AWS’s hourly
        deduplication makes resending an already-billed record safe, and any DuplicateRecord is
        reported.
      </p>
      {billing.element}
      {resume.error && <ErrorPanel error={toDisplayableError(resume.error)} />}
      <ul>
        {subs.map((s) => (
          <li key={s.submissionId}>
            <span className="mono">{s.submissionId}</span> · {endingLabels[s.ending]} ·{' '}
            {s.operation ?? 'BatchMeterUsage'} on {s.context.connectionName} ({s.context.region}) by{' '}
            {s.context.osUser}
            {s.startedAt ? ` at ${s.startedAt}` : ''} · {number.format(s.resolvedCount)} answered,{' '}
            {number.format(s.unresolvedCount)} without an answer{' '}
            <button
              type="button"
              disabled={resume.isPending}
              onClick={() =>
                resume.mutate(s.submissionId, {
                  onSuccess: (r) => {
                    if (r?.submissionId) onResumed(r.submissionId);
                  },
                })
              }
            >
              Resume {number.format(s.unresolvedCount)} records
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SubmissionDetail({
  submissionId,
  onClose,
}: {
  submissionId: string;
  onClose: () => void;
}) {
  const detail = useJournalSubmission(submissionId);
  return (
    <section className="panel" aria-label="Submission details">
      <h2>
        Submission <span className="mono">{submissionId}</span>{' '}
        <button type="button" onClick={onClose}>
          Close details
        </button>
      </h2>
      {detail.error && <ErrorPanel error={toDisplayableError(detail.error)} />}
      {detail.data && (
        <>
          <p>
            State: <strong>{detail.data.state}</strong> · {detail.data.operation} ·{' '}
            {detail.data.context.connectionName} · account{' '}
            <span className="mono">{detail.data.context.account}</span> ·{' '}
            {detail.data.context.region} · by {detail.data.context.osUser}
            {detail.data.resendOf && (
              <>
                {' '}
                · resends <span className="mono">{detail.data.resendOf}</span>
              </>
            )}
            {detail.data.resentBy.length > 0 && (
              <>
                {' '}
                · resent in <span className="mono">{detail.data.resentBy.join(', ')}</span>
              </>
            )}
          </p>
          <p>
            {/* Successes are counted billed once in the line below: a replay's Success is not
                billed again, so "Billed: 3" here would contradict it. */}
            {Object.entries(detail.data.counts)
              .filter(([status]) => status !== 'Success')
              .map(
                ([status, n]) => `${statusLabels[status as JournalRowStatus]}: ${number.format(n)}`,
              )
              .join(' · ')}
          </p>
          <BillingLine billing={detail.data.billing} total={detail.data.rows.length} />
          <div className="table-scroll">
            <table aria-label="Calls">
              <thead>
                <tr>
                  <th scope="col">Call</th>
                  <th scope="col">Attempt</th>
                  <th scope="col">Why</th>
                  <th scope="col">Intent (UTC)</th>
                  <th scope="col" className="num">
                    Records
                  </th>
                  <th scope="col">Outcome (UTC)</th>
                  <th scope="col">Request id</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {detail.data.calls.map((call) => (
                  <tr key={call.callId}>
                    <td className="mono">{call.callId}</td>
                    <td className="num">{call.attempt}</td>
                    <td>{call.reason ?? ''}</td>
                    <td className="mono">{call.at}</td>
                    <td className="num">{call.records}</td>
                    <td className="mono">{call.outcomeAt ?? 'none journaled'}</td>
                    <td className="mono">{call.requestId ?? ''}</td>
                    <td>{call.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

export function JournalScreen() {
  useJournalSync();
  const [customer, setCustomer] = useState('');
  const [dimension, setDimension] = useState('');
  const [status, setStatus] = useState<StatusChoice>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [connectionId, setConnectionId] = useState('');
  const [selected, setSelected] = useState<string | null>(submissionFromHash);
  const [resumedId, setResumedId] = useState<string | null>(null);
  const exporter = useJournalExport();

  useEffect(() => {
    const onHash = (): void => setSelected(submissionFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const filter = useMemo<JournalFilter>(
    () => ({
      ...(customer.trim() ? { customer: customer.trim() } : {}),
      ...(dimension ? { dimension } : {}),
      ...filterOfChoice(status),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(connectionId ? { connectionId } : {}),
    }),
    [customer, dimension, status, from, to, connectionId],
  );
  const query = useJournalQuery(filter);
  const facets = query.data?.facets;

  const save = (format: 'csv' | 'json'): void => {
    exporter.mutate(
      { filter, format },
      { onSuccess: (file) => downloadText(file.fileName, file.text, file.mimeType) },
    );
  };

  return (
    <Screen
      title="Journal"
      purpose="The tamper-evident record of every submission: what was about to be sent, and what AWS answered."
    >
      <VerifyLine />
      <Interrupted onResumed={setResumedId} />
      {resumedId && <SubmissionProgress submissionId={resumedId} />}
      <form
        className="panel journal-filters"
        aria-label="Filter the journal"
        onSubmit={(e) => e.preventDefault()}
      >
        <Field label="Customer" className="journal-filter">
          {(control) => (
            <input
              {...control}
              value={customer}
              onChange={(e) => setCustomer(e.target.value)}
              placeholder="Account id, identifier or LicenseArn"
            />
          )}
        </Field>
        <Field label="Dimension" className="journal-filter">
          {(control) => (
            <select {...control} value={dimension} onChange={(e) => setDimension(e.target.value)}>
              <option value="">All dimensions</option>
              {(facets?.dimensions ?? []).map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Status" className="journal-filter">
          {(control) => (
            <select
              {...control}
              value={status}
              onChange={(e) => setStatus(e.target.value as StatusChoice)}
            >
              <option value="">All statuses</option>
              {(Object.keys(statusLabels) as JournalRowStatus[]).map((s) => (
                <option key={s} value={s}>
                  {statusLabels[s]} ({number.format(statusCount(facets, s))})
                </option>
              ))}
              <option value="replay">
                Replay, billed before ({number.format(facets?.billing.replay ?? 0)})
              </option>
            </select>
          )}
        </Field>
        <Field label="From (UTC date)" className="journal-filter">
          {(control) => (
            <input
              {...control}
              type="date"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
            />
          )}
        </Field>
        <Field label="To (UTC date)" className="journal-filter">
          {(control) => (
            <input {...control} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          )}
        </Field>
        <Field label="Connection" className="journal-filter">
          {(control) => (
            <select
              {...control}
              value={connectionId}
              onChange={(e) => setConnectionId(e.target.value)}
            >
              <option value="">All connections</option>
              {(facets?.connections ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="journal-actions">
          <button type="button" onClick={() => save('csv')} disabled={exporter.isPending}>
            Export CSV
          </button>
          <button type="button" onClick={() => save('json')} disabled={exporter.isPending}>
            Export JSON
          </button>
        </div>
      </form>
      {exporter.error && <ErrorPanel error={toDisplayableError(exporter.error)} />}
      {selected && <SubmissionDetail submissionId={selected} onClose={() => setSelected(null)} />}
      {query.error && <ErrorPanel error={toDisplayableError(query.error)} />}
      {query.data && query.data.total === 0 && Object.keys(filter).length === 0 && (
        <p>Nothing has been submitted yet. Submissions from the Metering screen appear here.</p>
      )}
      {query.data && (
        <>
          <BillingLine billing={query.data.billing} total={query.data.total} />
          {query.data.total > query.data.rows.length && (
            <p>Showing the newest {number.format(query.data.rows.length)}; export for all.</p>
          )}
          <DataTable
            tableId="journal-records"
            label="Journal records"
            rows={query.data.rows}
            columns={journalColumns(setSelected)}
            getRowId={(row) => `${row.submissionId}/${row.key}`}
            onRowActivate={(row) => setSelected(row.submissionId)}
            rowClassName={(row) => `journal-status-${row.status}`}
            emptyMessage="No journal records match these filters."
          />
        </>
      )}
    </Screen>
  );
}
