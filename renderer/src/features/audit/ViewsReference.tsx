// The views the Query tab reads, with every column and what it means (shared/audit-sql.ts, the
// same list the README documents), so an auditor writes SQL without leaving the screen.
import { auditSqlViews } from '../../../../shared/audit-sql';

export function ViewsReference() {
  return (
    <div className="audit-query-views" aria-label="Views and their columns" role="region">
      {auditSqlViews.map((view) => (
        <details key={view.name}>
          <summary>
            <code>{view.name}</code>
          </summary>
          <p>{view.description}</p>
          <dl>
            {view.columns.map((c) => (
              <div key={c.name}>
                <dt>
                  <code>{c.name}</code> <span className="audit-query-type">{c.type}</span>
                </dt>
                <dd>{c.description}</dd>
              </div>
            ))}
          </dl>
        </details>
      ))}
    </div>
  );
}
