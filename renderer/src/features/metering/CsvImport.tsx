// CSV import: choose a file, main parses, validates and (optionally) aggregates it, and the
// result comes back as a summary plus pages of "needs review" and "ready" rows. Times written
// without a zone need review until the person chooses the file's zone (one choice for the whole
// file, shown in the summary); the import is kept in main while this screen shows it.
import { useId, useMemo, useState, type ChangeEvent } from 'react';
import type { Product } from '../../../../shared/metering';
import { zoneLabel } from '../../../../shared/metering/zones';
import { closeImport, useCsvTemplate, useImportCsv, type ImportCsvDone } from '../../api/metering';
import { formatNumber } from '../../components/DataTable';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { Tabs } from '../../components/Tabs';
import { downloadText } from '../../components/download';
import { ImportTable, type ImportRowActions } from './ImportTable';
import { REASON_LABEL, zoneOptions } from './import-labels';
import { useKeepImportAlive } from './useKeepImportAlive';

/** Import rows taken out of the import: into the editor, left out, or merged into a record. */
export type ExcludedRows = ReadonlyMap<
  number,
  { status: 'ready' | 'review'; to: 'editor' | 'removed' | 'merged' }
>;

type Props = {
  products: readonly Product[];
  imported: ImportCsvDone | null;
  excluded: ExcludedRows;
  now: number;
  onImported: (result: ImportCsvDone) => void;
  actions: ImportRowActions;
  onDiscard: () => void;
};

function ZoneSelect(props: { value: string; onChange: (zone: string) => void; needed: boolean }) {
  const options = useMemo(() => zoneOptions(), []);
  return (
    <Field
      label="Time zone for times without one"
      help={
        props.needed
          ? 'Some times in this file have no zone: choose the zone they were written in, then check again.'
          : undefined
      }
    >
      {(control) => (
        <select {...control} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
          <option value="">Not chosen: such rows need review</option>
          <optgroup label="Common">
            {options.common.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Fixed offsets">
            {options.offsets.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Places (daylight saving time followed)">
            {options.places.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        </select>
      )}
    </Field>
  );
}

function ImportSummaryLine(props: {
  imported: ImportCsvDone;
  excluded: ExcludedRows;
  onDiscard: () => void;
}) {
  const { summary } = props.imported;
  let moved = 0;
  let removed = 0;
  let merged = 0;
  for (const x of props.excluded.values()) {
    if (x.to === 'editor') moved += 1;
    else if (x.to === 'merged') merged += 1;
    else removed += 1;
  }
  return (
    <div className="md-import-summary" role="status">
      <strong>{summary.fileName}</strong>: {formatNumber(summary.fileRows)} rows
      {summary.aggregated
        ? ` → ${formatNumber(summary.records)} records (${formatNumber(summary.rowsMerged)} rows summed into others)`
        : ''}
      {' · '}
      <span className="md-ok">{formatNumber(summary.ready)} ready</span>
      {' · '}
      <span className={summary.review > 0 ? 'md-bad' : ''}>
        {formatNumber(summary.review)} need review
      </span>
      {summary.review > 0 && (
        <span className="md-muted">
          {' '}
          (
          {Object.entries(summary.byReason)
            .filter(([, n]) => n > 0)
            .map(([r, n]) => `${REASON_LABEL[r as keyof typeof REASON_LABEL]}: ${formatNumber(n)}`)
            .join(', ')}
          )
        </span>
      )}
      {' · '}
      <span>
        Times without a zone:{' '}
        {summary.zone === null ? 'no zone chosen' : `read in ${zoneLabel(summary.zone)}`}
      </span>
      {moved > 0 && <span className="md-muted"> · {formatNumber(moved)} moved to the editor</span>}
      {removed > 0 && <span className="md-muted"> · {formatNumber(removed)} left out</span>}
      {merged > 0 && (
        <span className="md-muted"> · {formatNumber(merged)} merged into edited records</span>
      )}
      <span className="md-muted"> · checked in {formatNumber(summary.milliseconds)} ms</span>
      <button type="button" className="md-link" onClick={props.onDiscard}>
        Discard import
      </button>
    </div>
  );
}

export function CsvImport({
  products,
  imported,
  excluded,
  now,
  onImported,
  actions,
  onDiscard,
}: Props) {
  const id = useId();
  const [aggregate, setAggregate] = useState(false);
  const [defaultProductId, setDefaultProductId] = useState('');
  const [zone, setZone] = useState('');
  const [view, setView] = useState<'review' | 'ready'>('review');
  // The file last imported, so a zone chosen afterwards can be applied to it.
  const [lastFile, setLastFile] = useState<File | null>(null);
  const importCsv = useImportCsv();
  const template = useCsvTemplate();
  const summary = imported?.summary;
  useKeepImportAlive(summary?.handle);

  const run = async (file: File): Promise<void> => {
    setLastFile(file);
    const text = await file.text();
    const previous = summary?.handle;
    importCsv.mutate(
      {
        text,
        fileName: file.name,
        aggregate,
        ...(defaultProductId !== '' ? { defaultProductId } : {}),
        ...(zone !== '' ? { zone } : {}),
      },
      {
        onSuccess: (result) => {
          if (previous !== undefined) void closeImport(previous).catch(() => undefined);
          setView(result.summary.review > 0 ? 'review' : 'ready');
          onImported(result);
        },
      },
    );
  };

  const onFile = (event: ChangeEvent<HTMLInputElement>): void => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) void run(file);
  };

  const discard = (): void => {
    if (summary) void closeImport(summary.handle).catch(() => undefined);
    setLastFile(null);
    onDiscard();
  };

  const downloadTemplate = (): void => {
    template.mutate(defaultProductId === '' ? undefined : defaultProductId, {
      onSuccess: (file) => downloadText(file.fileName, file.text, 'text/csv;charset=utf-8'),
    });
  };

  const zoneNeeded = summary !== undefined && summary.zonelessRows > 0;
  const recheck = lastFile !== null && summary !== undefined && (summary.zone ?? '') !== zone;
  const hiddenReview = [...excluded.values()].filter((x) => x.status === 'review').length;
  const hiddenReady = excluded.size - hiddenReview;

  return (
    <section className="panel md-import" aria-labelledby={`${id}-h`}>
      <div className="md-panel-head">
        <h2 id={`${id}-h`}>Import CSV</h2>
        <span className="md-muted">
          Columns: product, customer_aws_account_id, license_arn, customer_identifier, dimension,
          quantity, timestamp (any letter case; comma, semicolon or tab; tag:&lt;key&gt; columns
          become allocations).
        </span>
      </div>
      <div className="md-import-controls">
        <Field label="CSV file">
          {(control) => (
            <input
              {...control}
              type="file"
              accept=".csv,.txt,text/csv"
              onChange={onFile}
              disabled={importCsv.isPending}
            />
          )}
        </Field>
        <Field label="Product for rows without one">
          {(control) => (
            <select
              {...control}
              value={defaultProductId}
              onChange={(e) => setDefaultProductId(e.target.value)}
            >
              <option value="">None (the file names it)</option>
              {products.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ZoneSelect value={zone} onChange={setZone} needed={zoneNeeded} />
        <label
          className="md-check"
          title="AWS keeps only the first record per customer, dimension and hour; summing on our side bills the whole usage."
        >
          <input
            type="checkbox"
            checked={aggregate}
            onChange={(e) => setAggregate(e.target.checked)}
          />
          Aggregate to one record per customer, dimension and hour (sum quantities)
        </label>
        {recheck && (
          <button type="button" disabled={importCsv.isPending} onClick={() => void run(lastFile)}>
            Check the file again with this zone
          </button>
        )}
        <button type="button" onClick={downloadTemplate} disabled={template.isPending}>
          Download template
        </button>
      </div>
      {importCsv.isPending && <p className="md-muted">Reading and checking the file…</p>}
      {importCsv.error && (
        <ErrorPanel
          title="The file could not be imported"
          error={toDisplayableError(importCsv.error)}
        />
      )}
      {template.error && <ErrorPanel error={toDisplayableError(template.error)} />}
      {imported && summary && (
        <>
          <ImportSummaryLine imported={imported} excluded={excluded} onDiscard={discard} />
          {summary.aggregated && summary.rowsMerged > 0 && (
            <p className="md-note">
              Aggregated: AWS bills only the first record per customer, dimension and hour, so rows
              for the same hour were summed into one record stamped at the start of that hour. The
              Lines column shows which file lines each record came from.
            </p>
          )}
          {summary.notices.length > 0 && (
            <ul className="md-notices">
              {summary.notices.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          <Tabs
            label="Imported rows"
            tabs={[
              {
                id: 'review',
                label: `Needs review (${formatNumber(summary.review - hiddenReview)})`,
              },
              { id: 'ready', label: `Ready (${formatNumber(summary.ready - hiddenReady)})` },
            ]}
            selected={view}
            onSelect={setView}
          >
            <ImportTable
              key={`${summary.handle}-${view}`}
              handle={summary.handle}
              filter={view}
              initial={view === 'review' ? imported.review : imported.ready}
              total={view === 'review' ? summary.review : summary.ready}
              excluded={excluded}
              products={products}
              now={now}
              actions={actions}
            />
          </Tabs>
        </>
      )}
    </section>
  );
}
