// The Query tab: SQL for auditors over the cache's documented views. One read-only statement at
// a time (the database refuses writes), stopped after the chosen time or on Cancel; the result
// in the app's table; the whole result exported as CSV or Parquet; queries saved for next time.
import { useState, type KeyboardEvent } from 'react';
import { builtinAuditQueries } from '../../../../shared/audit-sql';
import type { AuditSavedQuery } from '../../../../shared/channels/audit-sql';
import { useAuditSaveQuery, useAuditSqlExport } from '../../api/audit';
import { formatNumber } from '../../components/DataTable';
import { downloadBase64 } from '../../components/download';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { QueryResult } from './QueryResult';
import { SavedQueries } from './SavedQueries';
import { useQueryRunner } from './useQueryRunner';
import { ViewsReference } from './ViewsReference';
import './query.css';

const TIMEOUTS = [10, 30, 60, 120, 300, 600] as const;
const MAX_ROWS = 2_000;

export function QueryTab() {
  const first = builtinAuditQueries[0];
  const [sql, setSql] = useState(first?.sql ?? '');
  const [chosen, setChosen] = useState<AuditSavedQuery | null>(null);
  const [name, setName] = useState('');
  const [timeoutSeconds, setTimeoutSeconds] = useState<number>(30);
  const [notice, setNotice] = useState('');
  const query = useQueryRunner();
  const exporter = useAuditSqlExport();
  const saver = useAuditSaveQuery();

  const choose = (q: AuditSavedQuery): void => {
    setChosen(q);
    setSql(q.sql);
    setName(q.builtin ? '' : q.name);
  };
  const run = (): void => {
    if (!query.running && sql.trim() !== '') query.run(sql, timeoutSeconds, MAX_ROWS);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  };
  const exportAs = (format: 'csv' | 'parquet'): void => {
    exporter.mutate(
      { sql, format, queryId: crypto.randomUUID(), timeoutSeconds },
      {
        onSuccess: (file) => {
          downloadBase64(file.fileName, file.base64, file.mimeType);
          setNotice(
            `Saved the whole result as ${file.fileName} (${formatNumber(file.bytes)} bytes).`,
          );
        },
      },
    );
  };
  const save = (): void => {
    const own = chosen !== null && !chosen.builtin ? chosen : null;
    saver.mutate(
      { ...(own && own.name === name ? { id: own.id } : {}), name, description: '', sql },
      {
        onSuccess: (saved) => {
          setChosen(saved);
          setNotice(`Saved the query as “${saved.name}”.`);
        },
      },
    );
  };
  const error = query.error ?? exporter.error ?? saver.error;
  const result = query.result;

  return (
    <section className="panel audit-query" aria-label="SQL query">
      <div className="audit-query-side">
        <SavedQueries selectedId={chosen?.id ?? null} onChoose={choose} />
        <h3>Views</h3>
        <ViewsReference />
      </div>
      <div className="audit-query-main">
        <Field
          label="SQL"
          help="One read-only statement over usage_records, events, journal_records and completeness. Ctrl+Enter runs it."
        >
          {(control) => (
            <textarea
              {...control}
              className="mono audit-query-editor"
              rows={10}
              spellCheck={false}
              value={sql}
              onChange={(e) => setSql(e.target.value)}
              onKeyDown={onKeyDown}
            />
          )}
        </Field>
        <div className="audit-query-actions">
          <button type="button" className="primary" disabled={query.running} onClick={run}>
            Run
          </button>
          {query.running && (
            <button type="button" onClick={query.cancel}>
              Cancel
            </button>
          )}
          <Field label="Stop after" className="audit-query-timeout">
            {(control) => (
              <select
                {...control}
                value={timeoutSeconds}
                onChange={(e) => setTimeoutSeconds(Number(e.target.value))}
              >
                {TIMEOUTS.map((s) => (
                  <option key={s} value={s}>
                    {s < 60 ? `${String(s)} s` : `${String(s / 60)} min`}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="button" disabled={exporter.isPending} onClick={() => exportAs('csv')}>
            Export CSV
          </button>
          <button type="button" disabled={exporter.isPending} onClick={() => exportAs('parquet')}>
            Export Parquet
          </button>
          <Field label="Query name" className="audit-query-name">
            {(control) => (
              <input {...control} value={name} onChange={(e) => setName(e.target.value)} />
            )}
          </Field>
          <button type="button" disabled={name.trim() === '' || saver.isPending} onClick={save}>
            Save query
          </button>
        </div>
        <p className="audit-note" role="status">
          {query.running
            ? `Running… ${String(query.elapsed)} s`
            : result
              ? `${formatNumber(result.rows.length)} row${result.rows.length === 1 ? '' : 's'} in ${formatNumber(Math.round(result.ms))} ms${result.truncated ? ` — the first ${formatNumber(MAX_ROWS)} only: export for all of them` : ''}.`
              : notice}
        </p>
        {notice !== '' && (query.running || result) && <p className="audit-note">{notice}</p>}
        {error && <ErrorPanel error={toDisplayableError(error)} />}
        {result && !query.running && <QueryResult result={result} />}
      </div>
    </section>
  );
}
