// The record editor: one line per usage record, validated as you type by the same
// validateRecords main runs before sending; each problem sits under its record, names the field,
// says what is wrong and how to fix it. Enter does nothing here: there is no form to submit.
import { useId } from 'react';
import type {
  BatchValidation,
  IssueField,
  Product,
  RecordIssue,
} from '../../../../shared/metering';
import { parseIsoUsageTime } from '../../../../shared/metering';
import { localTime, windowLeft, type EditorRow } from './editor-model';

type Props = {
  rows: EditorRow[];
  products: readonly Product[];
  validations: readonly BatchValidation[];
  now: number;
  onChange: (rowId: string, patch: Partial<EditorRow>) => void;
  onRemove: (rowId: string) => void;
  onAdd: () => void;
  onClear: () => void;
};

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

function hasError(issues: readonly RecordIssue[], ...fields: IssueField[]): boolean {
  return issues.some((i) => i.severity === 'error' && fields.includes(i.field));
}

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
              onChange={props.onChange}
              onRemove={props.onRemove}
            />
          ))}
        </div>
      )}
    </section>
  );
}

type LineProps = {
  row: EditorRow;
  number: number;
  products: readonly Product[];
  validation: BatchValidation | undefined;
  now: number;
  onChange: (rowId: string, patch: Partial<EditorRow>) => void;
  onRemove: (rowId: string) => void;
};

function RecordLine({ row, number, products, validation, now, onChange, onRemove }: LineProps) {
  const id = useId();
  const issues = validation?.issues ?? [];
  const product = products.find((p) => p.id === row.productId);
  const ca = product?.identityModel === 'concurrent-agreements';
  const saas = product === undefined || product.kind === 'saas';
  const set = (patch: Partial<EditorRow>): void => onChange(row.rowId, patch);
  const issuesId = `${id}-issues`;
  const describe = issues.length > 0 ? issuesId : undefined;
  const label = (field: string): string => `${field}, record ${String(number)}`;
  const ts = parseIsoUsageTime(row.timestamp);
  const deadline = validation?.deadlineMs ?? null;
  const unknownDimension = issues.some(
    (i) => i.code === 'dimension-unknown' || i.code === 'dimension-unknown-acknowledged',
  );
  const status = issues.some((i) => i.severity === 'error')
    ? 'error'
    : issues.length > 0
      ? 'warning'
      : 'ok';

  return (
    <div
      className={`md-record md-record-${status}`}
      role="listitem"
      aria-label={`Record ${String(number)}`}
    >
      <div className="md-row">
        <span
          className="md-rownum"
          title={row.fromImport ? `From CSV line ${row.fromImport.lines.join(', ')}` : undefined}
        >
          {number}
          {row.fromImport && <span className="md-from-csv">csv</span>}
        </span>
        <select
          aria-label={label('Product')}
          value={row.productId}
          aria-invalid={hasError(issues, 'product', 'productCode')}
          aria-describedby={describe}
          onChange={(e) => set({ productId: e.target.value })}
        >
          <option value="">Choose…</option>
          {products.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
              {p.source === 'sandbox' ? ' (sandbox)' : ''}
            </option>
          ))}
        </select>
        <input
          className="mono"
          aria-label={label('Customer identifier')}
          value={row.customerIdentifier}
          disabled={!saas || ca}
          placeholder={!saas ? 'not used' : ca ? 'not used' : 'from ResolveCustomer'}
          title={
            !saas
              ? 'MeterUsage meters the buyer account that signs the call.'
              : ca
                ? 'Concurrent-agreements products use the AWS account id and license ARN.'
                : undefined
          }
          aria-invalid={hasError(issues, 'customer', 'customerIdentifier')}
          aria-describedby={describe}
          spellCheck={false}
          onChange={(e) => set({ customerIdentifier: e.target.value })}
        />
        <input
          className="mono"
          aria-label={label('AWS account id')}
          value={row.customerAwsAccountId}
          disabled={!saas}
          inputMode="numeric"
          placeholder={saas ? '12 digits' : 'not used'}
          aria-invalid={hasError(issues, 'customer', 'customerAwsAccountId')}
          aria-describedby={describe}
          spellCheck={false}
          onChange={(e) => set({ customerAwsAccountId: e.target.value })}
        />
        <input
          className="mono"
          aria-label={label('License ARN')}
          value={row.licenseArn}
          disabled={!ca && product !== undefined}
          placeholder={ca || product === undefined ? 'arn:aws:license-manager::…' : 'not used'}
          aria-invalid={hasError(issues, 'licenseArn')}
          aria-describedby={describe}
          spellCheck={false}
          onChange={(e) => set({ licenseArn: e.target.value })}
        />
        <span className="md-cell">
          <input
            aria-label={label('Dimension')}
            value={row.dimension}
            list={product ? `${id}-dims` : undefined}
            aria-invalid={hasError(issues, 'dimension')}
            aria-describedby={describe}
            spellCheck={false}
            onChange={(e) => set({ dimension: e.target.value, acknowledgeUnknownDimension: false })}
          />
          {product && (
            <datalist id={`${id}-dims`}>
              {product.dimensions.map((d) => (
                <option key={d.name} value={d.name}>
                  {d.description}
                </option>
              ))}
            </datalist>
          )}
        </span>
        <input
          className="md-num"
          aria-label={label('Quantity')}
          value={row.quantity}
          inputMode="numeric"
          aria-invalid={hasError(issues, 'quantity')}
          aria-describedby={describe}
          onChange={(e) => set({ quantity: e.target.value })}
        />
        <span className="md-cell">
          <input
            className="mono"
            aria-label={label('Usage hour (UTC)')}
            value={row.timestamp}
            placeholder="2026-07-20T14:00Z"
            aria-invalid={hasError(issues, 'timestamp')}
            aria-describedby={`${id}-local${describe ? ` ${describe}` : ''}`}
            spellCheck={false}
            onChange={(e) => set({ timestamp: e.target.value })}
          />
          <span id={`${id}-local`} className="md-hint">
            {ts ? `local ${localTime(ts.ms)}` : ' '}
          </span>
          <span
            className={`md-window${deadline !== null && deadline - now < 3_600_000 ? ' md-window-soon' : ''}`}
          >
            {deadline === null ? ' ' : windowLeft(deadline, now)}
          </span>
        </span>
        <span className="md-row-actions">
          <button
            type="button"
            aria-expanded={row.allocations.length > 0}
            aria-label={`Allocations, record ${String(number)}`}
            title="Split the quantity across cost-allocation tags"
            onClick={() =>
              set({
                allocations:
                  row.allocations.length > 0 ? [] : [{ quantity: row.quantity, tags: '' }],
              })
            }
          >
            Tags{row.allocations.length > 0 ? ` (${String(row.allocations.length)})` : ''}
          </button>
          <button
            type="button"
            aria-label={`Remove record ${String(number)}`}
            onClick={() => onRemove(row.rowId)}
          >
            ✕
          </button>
        </span>
      </div>
      {row.allocations.length > 0 && (
        <fieldset className="md-allocations">
          <legend>
            Allocations — quantities must add up to {row.quantity || '…'}; tags as key=value,
            comma-separated
          </legend>
          {row.allocations.map((a, ai) => (
            <div key={ai} className="md-allocation">
              <input
                className="md-num"
                aria-label={`Allocation ${String(ai + 1)} quantity, record ${String(number)}`}
                value={a.quantity}
                inputMode="numeric"
                onChange={(e) =>
                  set({
                    allocations: row.allocations.map((x, xi) =>
                      xi === ai ? { ...x, quantity: e.target.value } : x,
                    ),
                  })
                }
              />
              <input
                className="mono"
                aria-label={`Allocation ${String(ai + 1)} tags, record ${String(number)}`}
                value={a.tags}
                placeholder="team=red, env=prod (blank = untagged)"
                spellCheck={false}
                onChange={(e) =>
                  set({
                    allocations: row.allocations.map((x, xi) =>
                      xi === ai ? { ...x, tags: e.target.value } : x,
                    ),
                  })
                }
              />
              <button
                type="button"
                aria-label={`Remove allocation ${String(ai + 1)}, record ${String(number)}`}
                onClick={() => set({ allocations: row.allocations.filter((_, xi) => xi !== ai) })}
              >
                ✕
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() => set({ allocations: [...row.allocations, { quantity: '', tags: '' }] })}
          >
            Add allocation
          </button>
        </fieldset>
      )}
      {issues.length > 0 && (
        <ul id={issuesId} className="md-issues">
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
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
