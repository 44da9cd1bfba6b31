// The record editor: one line per usage record, validated as you type by the same
// validateRecords main runs before sending; each problem sits under its record, names the field,
// says what is wrong and how to fix it. Enter does nothing here: there is no form to submit.
import { useId } from 'react';
import type { ImportRow } from '../../../../shared/channels/metering';
import type { BatchValidation, Product } from '../../../../shared/metering';
import type { EditorRow } from './editor-model';
import { RecordLine } from './RecordLine';
import type { CollisionActions } from './RecordNotes';

type Props = {
  rows: EditorRow[];
  products: readonly Product[];
  validations: readonly BatchValidation[];
  now: number;
  onChange: (rowId: string, patch: Partial<EditorRow>) => void;
  onRemove: (rowId: string) => void;
  onAdd: () => void;
  onClear: () => void;
  /** Ready import rows by dedup key that an editor record now collides with. */
  collisions: ReadonlyMap<string, ImportRow>;
  collisionActions: CollisionActions;
};

export function RecordEditor(props: Props) {
  const { rows, products, validations, now } = props;
  const baseId = useId();
  const errors = validations.filter((v) => v.issues.some((i) => i.severity === 'error')).length;

  return (
    <section className="panel md-editor" aria-labelledby={`${baseId}-h`}>
      <div className="md-panel-head">
        <h2 id={`${baseId}-h`}>Records</h2>
        <span className="md-muted">
          {rows.length === 0
            ? 'No records yet: add one, or import a CSV above.'
            : `${String(rows.length)} ${rows.length === 1 ? 'record' : 'records'}${errors > 0 ? `, ${String(errors)} with errors` : ', all valid'}`}
        </span>
        <div className="md-actions">
          <button type="button" onClick={props.onAdd}>
            Add record
          </button>
          {rows.length > 0 && (
            <button type="button" onClick={props.onClear}>
              Clear all
            </button>
          )}
        </div>
      </div>
      {rows.length > 0 && (
        <div className="md-grid" role="list" aria-label="Records">
          <div className="md-row md-row-head" aria-hidden="true">
            <span>#</span>
            <span>Product</span>
            <span>Customer identifier</span>
            <span>AWS account id</span>
            <span>License ARN</span>
            <span>Dimension</span>
            <span className="md-num">Quantity</span>
            <span>Usage hour (UTC) · window</span>
            <span />
          </div>
          {rows.map((row, index) => (
            <RecordLine
              key={row.rowId}
              row={row}
              number={index + 1}
              products={products}
              validation={validations[index]}
              now={now}
              collision={collisionFor(props.collisions, validations[index])}
              collisionActions={props.collisionActions}
              onChange={props.onChange}
              onRemove={props.onRemove}
            />
          ))}
        </div>
      )}
    </section>
  );
}

function collisionFor(
  collisions: ReadonlyMap<string, ImportRow>,
  validation: BatchValidation | undefined,
): ImportRow | undefined {
  const key = validation?.key;
  return key === null || key === undefined ? undefined : collisions.get(key);
}
