// The app-wide banner for a damaged journal: which line and what is wrong, that nothing is billed
// while it lasts, and the way out (archive the file, read-only, and start a new journal whose
// first entry records the old file's hash and line count).
import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { useArchiveJournal, useJournalVerify } from '../../api/journal';
import './JournalBrokenBanner.css';

export function JournalBrokenBanner() {
  const verify = useJournalVerify();
  const archive = useArchiveJournal();
  const [asking, setAsking] = useState(false);
  const report = verify.data?.report;
  if (archive.data && (report === undefined || report.ok)) {
    return (
      <p className="journal-broken-banner done" role="status">
        The damaged journal was kept, read-only, as{' '}
        <span className="mono">{archive.data.archived.file}</span>; a new journal started.
      </p>
    );
  }
  if (report === undefined || report.ok) return null;
  const line = report.firstBrokenLine ?? 1;
  return (
    <div className="journal-broken-banner" role="alert" aria-label="Journal damaged">
      <p>
        <strong>The journal is damaged at line {line}:</strong> {report.reason} Nothing is billed
        until it is archived. What the Journal shows from line {line} on is unverified.
      </p>
      <button type="button" onClick={() => setAsking(true)}>
        Archive and start a new journal
      </button>
      <Dialog title="Archive the damaged journal?" open={asking} onCancel={() => setAsking(false)}>
        <p>
          The file <span className="mono">{verify.data?.path}</span> is kept as it is, read-only, in
          the journal’s archive folder. A new journal starts, and its first entry records the old
          file’s SHA-256 and line count, so the history before it stays provable.
        </p>
        {archive.error && <ErrorPanel error={toDisplayableError(archive.error)} />}
        <div className="dialog-actions">
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={archive.isPending}
            onClick={() =>
              archive.mutate(undefined, {
                onSuccess: () => setAsking(false),
              })
            }
          >
            Archive and start a new journal
          </button>
        </div>
      </Dialog>
    </div>
  );
}
