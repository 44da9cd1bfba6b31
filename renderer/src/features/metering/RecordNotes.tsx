// Under a record: each problem with the field it concerns, what is wrong and how to fix it; the
// confirmations a person may give (a dimension not in the catalog, a CSV line checked against the
// file); and a ready import row the record now collides with, with the ways out.
import type { ImportRow } from '../../../../shared/channels/metering';
import type { IssueField, RecordIssue } from '../../../../shared/metering';
import { mergedQuantity, type EditorRow } from './editor-model';

const FIELD_LABEL: Record<IssueField, string> = {
  product: 'Product',
  productCode: 'Product code',
  customer: 'Customer',
  customerIdentifier: 'Customer identifier',
  customerAwsAccountId: 'AWS account id',
  licenseArn: 'License ARN',
  dimension: 'Dimension',
  quantity: 'Quantity',
  timestamp: 'Usage hour',
  allocations: 'Allocations',
  record: 'Record',
};

export type CollisionActions = {
  /** Adds the import row's quantity to this record and leaves the import row out. */
  merge: (rowId: string, importRow: ImportRow, quantity: string) => void;
  /** Leaves the import row out; this record stays. */
  dropImportRow: (importRow: ImportRow) => void;
  /** Removes this record; the import row stays. */
  dropRecord: (rowId: string) => void;
};

type Props = {
  id: string;
  row: EditorRow;
  number: number;
  issues: readonly RecordIssue[];
  collision: ImportRow | undefined;
  collisionActions: CollisionActions;
  set: (patch: Partial<EditorRow>) => void;
};

function CollisionNotice({
  row,
  number,
  collision,
  collisionActions,
}: Omit<Props, 'id' | 'issues' | 'set'> & { collision: ImportRow }) {
  const line = String(collision.lines[0]);
  const merged = mergedQuantity(row, collision.draft);
  return (
    <div className="md-collision" role="group" aria-label={`Collision of record ${String(number)}`}>
      <p>
        <strong>Same customer, dimension and hour as line {line} of the import</strong> (ready,
        quantity {String(collision.draft.quantity)}). AWS bills only the first of the two and
        answers DuplicateRecord to the other.
      </p>
      <div className="md-actions">
        {merged !== null && (
          <button
            type="button"
            onClick={() => collisionActions.merge(row.rowId, collision, merged)}
          >
            Merge line {line} into record {String(number)} (quantity {merged})
          </button>
        )}
        <button type="button" onClick={() => collisionActions.dropImportRow(collision)}>
          Drop line {line}, keep record {String(number)}
        </button>
        <button type="button" onClick={() => collisionActions.dropRecord(row.rowId)}>
          Drop record {String(number)}, keep line {line}
        </button>
      </div>
    </div>
  );
}

export function RecordNotes(props: Props) {
  const { id, row, number, issues, collision, set } = props;
  const unknownDimension = issues.some(
    (i) => i.code === 'dimension-unknown' || i.code === 'dimension-unknown-acknowledged',
  );
  const problemCode = row.importProblem?.code;
  const checkable = problemCode !== undefined && problemCode !== 'timestamp-zone-unclear';
  if (issues.length === 0 && !collision) return null;
  return (
    <>
      {collision && (
        <CollisionNotice
          row={row}
          number={number}
          collision={collision}
          collisionActions={props.collisionActions}
        />
      )}
      {issues.length > 0 && (
        <ul id={id} className="md-issues">
          {issues.map((issue, ii) => (
            <li
              key={`${issue.code}-${String(ii)}`}
              className={`md-issue md-issue-${issue.severity}`}
            >
              <span className="md-issue-field">
                {issue.severity === 'error' ? 'Error' : 'Warning'} · {FIELD_LABEL[issue.field]}:
              </span>{' '}
              {issue.message} <span className="md-fix">{issue.fix}</span>
              {unknownDimension && issue.field === 'dimension' && (
                <label className="md-ack">
                  <input
                    type="checkbox"
                    checked={row.acknowledgeUnknownDimension}
                    onChange={(e) => set({ acknowledgeUnknownDimension: e.target.checked })}
                  />
                  Meter “{row.dimension}” anyway, for this record
                </label>
              )}
              {checkable && issue.code.startsWith(problemCode) && (
                <label className="md-ack">
                  <input
                    type="checkbox"
                    checked={row.importProblemChecked === true}
                    onChange={(e) => set({ importProblemChecked: e.target.checked })}
                  />
                  I checked every field of record {String(number)} against line{' '}
                  {String(row.fromImport?.lines[0] ?? row.importProblem?.line ?? '')}
                </label>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
