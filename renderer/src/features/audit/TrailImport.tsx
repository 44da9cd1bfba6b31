// Importing CloudTrail log files: files or a whole folder (a trail's S3 prefix
// …/CloudTrail/<region>/YYYY/MM/DD/*.json.gz, or the console's "Download events" JSON). Files go
// one after another (./trail-import-run), with a progress bar and a running summary; merged
// with synced events by event id, so nothing is counted twice, and older than 90 days they fill
// what a sync cannot reach.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { isTrailFile, readTrailText, trailImportSender } from '../../api/audit-import';
import { formatNumber } from '../../components/DataTable';
import { emptyTotals, runTrailImport, type Totals } from './trail-import-run';

/** A file's path inside a chosen folder, else its name. */
function pathOf(file: File): string {
  return file.webkitRelativePath === '' ? file.name : file.webkitRelativePath;
}

function Summary({ totals, running }: { totals: Totals; running: boolean }) {
  return (
    <div className="audit-import-summary">
      <p role="status" aria-label="Trail import summary">
        {running ? 'Importing' : 'Imported'} {formatNumber(totals.done)} of{' '}
        {formatNumber(totals.files)} files: {formatNumber(totals.events)} events read,{' '}
        {formatNumber(totals.meteringEvents)} metering events kept ({formatNumber(totals.added)}{' '}
        new, {formatNumber(totals.duplicates)} duplicates skipped)
        {totals.otherAccounts > 0
          ? ` · ${formatNumber(totals.otherAccounts)} of other accounts left out`
          : ''}
        {totals.beyondLookup > 0
          ? ` · ${formatNumber(totals.beyondLookup)} older than CloudTrail’s 90 days`
          : ''}
        {totals.truncated > 0 ? ` · ${formatNumber(totals.truncated)} truncated by CloudTrail` : ''}
        {totals.unreadable.length > 0
          ? ` · ${formatNumber(totals.unreadable.length)} unreadable ${totals.unreadable.length === 1 ? 'file' : 'files'}`
          : ''}
      </p>
      {totals.unreadable.length > 0 && (
        <ul aria-label="Unreadable files" className="audit-import-unreadable">
          {totals.unreadable.map((u) => (
            <li key={u.fileName}>
              <span className="mono">{u.fileName}</span>: {u.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function TrailImport() {
  const ids = useId();
  const queryClient = useQueryClient();
  const folderInput = useRef<HTMLInputElement>(null);
  const stop = useRef(false);
  const [totals, setTotals] = useState<Totals | null>(null);
  const [running, setRunning] = useState(false);

  useEffect(() => {
    // Not a React prop: lets the picker choose a whole folder (Chromium and Electron).
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const importFiles = async (list: FileList | null): Promise<void> => {
    const files = [...(list ?? [])]
      .filter((f) => isTrailFile(f.name))
      .sort((a, b) => pathOf(a).localeCompare(pathOf(b)));
    if (files.length === 0) {
      setTotals({
        ...emptyTotals(0),
        unreadable: [{ fileName: '—', reason: 'No .json or .json.gz file was chosen.' }],
      });
      return;
    }
    stop.current = false;
    setRunning(true);
    await runTrailImport(
      files.map((file) => ({ name: pathOf(file), read: () => readTrailText(file) })),
      {
        sendFile: trailImportSender(),
        // Read through a function: the Stop button changes the ref while the import awaits.
        stopped: () => stop.current,
        onTotals: setTotals,
      },
    );
    setRunning(false);
    void queryClient.invalidateQueries({ queryKey: ['audit'] });
  };

  return (
    <section className="panel audit-import" aria-label="Import CloudTrail log files">
      <div className="audit-sync-bar">
        <strong>Import trail log files</strong>
        <label htmlFor={`${ids}-files`} className="audit-file-button">
          Import files
        </label>
        <input
          id={`${ids}-files`}
          type="file"
          multiple
          accept=".json,.gz,application/json,application/gzip"
          disabled={running}
          onChange={(e) => void importFiles(e.target.files).finally(() => (e.target.value = ''))}
        />
        <label htmlFor={`${ids}-folder`} className="audit-file-button">
          Import a folder
        </label>
        <input
          id={`${ids}-folder`}
          ref={folderInput}
          type="file"
          disabled={running}
          onChange={(e) => void importFiles(e.target.files).finally(() => (e.target.value = ''))}
        />
        {running && (
          <button type="button" onClick={() => (stop.current = true)}>
            Stop after this file
          </button>
        )}
        <span className="audit-note">
          The trail’s S3 files (…/CloudTrail/&lt;region&gt;/YYYY/MM/DD/*.json.gz) or the console’s
          “Download events” JSON. Events already cached are skipped; older ones fill history
          CloudTrail no longer returns.
        </span>
      </div>
      {totals && totals.files > 0 && (
        <progress aria-label="Files imported" max={totals.files} value={totals.done}>
          {totals.done}
        </progress>
      )}
      {totals && <Summary totals={totals} running={running} />}
    </section>
  );
}
