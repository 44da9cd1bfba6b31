// While an older audit cache moves into its database (the first open after an upgrade): a
// determinate progress bar with rate and time left, instead of a bare "loading".
import type { TaskProgress } from '../../../../shared/contract';
import { formatNumber } from '../../components/DataTable';
import { Loading } from '../../components/Loading';

export function MigrationProgress({ progress }: { progress: TaskProgress | null }) {
  if (progress === null || progress.total === null || progress.total === 0) {
    return <Loading label="Reading the audit cache…" />;
  }
  const percent = Math.floor((progress.done / progress.total) * 100);
  const mb = (bytes: number): string => formatNumber(Math.round(bytes / 2 ** 20));
  return (
    <div className="panel audit-migration" role="group" aria-label="Moving the audit cache">
      <p>
        Meterdesk keeps the audit cache in a database now. Moving what earlier versions cached; the
        old files stay until every event is safely in.
      </p>
      <progress max={100} value={percent} aria-label="Moving the audit cache">
        {percent}%
      </progress>
      <p className="audit-note" role="status">
        {percent}% — {mb(progress.done)} of {mb(progress.total)} MB
        {progress.secondsLeft !== null
          ? `, about ${formatNumber(Math.ceil(progress.secondsLeft))} s left`
          : ''}
      </p>
    </div>
  );
}
