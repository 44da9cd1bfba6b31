// The built-in questions and the queries saved on this computer; choosing one puts its SQL in
// the editor. Saved ones can be deleted; built-in ones cannot.
import type { AuditSavedQuery } from '../../../../shared/channels/audit-sql';
import { useAuditDeleteQuery, useAuditSavedQueries } from '../../api/audit';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { Loading } from '../../components/Loading';

type Props = {
  selectedId: string | null;
  onChoose: (query: AuditSavedQuery) => void;
};

export function SavedQueries({ selectedId, onChoose }: Props) {
  const saved = useAuditSavedQueries();
  const remove = useAuditDeleteQuery();
  if (saved.error) return <ErrorPanel error={toDisplayableError(saved.error)} />;
  if (saved.isPending) return <Loading label="Reading saved queries…" />;
  return (
    <nav aria-label="Saved queries">
      <h3>Saved queries</h3>
      <ul className="audit-query-saved">
        {saved.data.queries.map((q) => (
          <li key={q.id}>
            <button
              type="button"
              className="link-button"
              aria-current={q.id === selectedId ? 'true' : undefined}
              title={q.description}
              onClick={() => onChoose(q)}
            >
              {q.name}
            </button>
            {q.builtin ? (
              <span className="audit-query-badge">built-in</span>
            ) : (
              <button
                type="button"
                aria-label={`Delete saved query ${q.name}`}
                disabled={remove.isPending}
                onClick={() => remove.mutate(q.id)}
              >
                Delete
              </button>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
