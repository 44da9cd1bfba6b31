// A banner for what start-up had to repair (e.g. a damaged settings file set aside and the
// defaults used instead), so nothing is reset silently.
import { useState } from 'react';
import { useStartupNotices } from '../api/app-health';
import './StartupNotices.css';

export function StartupNotices() {
  const notices = useStartupNotices();
  const [dismissed, setDismissed] = useState(false);
  const list = notices.data?.notices ?? [];
  if (dismissed || list.length === 0) return null;
  return (
    <div className="startup-notices" role="status" aria-label="Start-up notices">
      <ul>
        {list.map((notice) => (
          <li key={`${notice.kind}:${notice.movedTo ?? ''}`}>
            {notice.message}
            {notice.movedTo !== undefined && (
              <>
                {' '}
                The damaged file was kept as <span className="mono">{notice.movedTo}</span>.
              </>
            )}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => setDismissed(true)}>
        Dismiss
      </button>
    </div>
  );
}
