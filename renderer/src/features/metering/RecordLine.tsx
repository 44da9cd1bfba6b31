// One record of the editor: its fields as typed (the usage time as ISO text with a UTC hour
// picker), its allocations, and under it what is wrong and how to fix it.
import { useId } from 'react';
import type { ImportRow } from '../../../../shared/channels/metering';
import {
  parseIsoUsageTime,
  type BatchValidation,
  type IssueField,
  type Product,
  type RecordIssue,
} from '../../../../shared/metering';
import { UsageTimeInput } from '../../components/UsageTimeInput';
import { localTime, windowLeft, type EditorRow } from './editor-model';
import { RecordNotes, type CollisionActions } from './RecordNotes';

function hasError(issues: readonly RecordIssue[], ...fields: IssueField[]): boolean {
  return issues.some((i) => i.severity === 'error' && fields.includes(i.field));
}

type LineProps = {
  row: EditorRow;
  number: number;
  products: readonly Product[];
  validation: BatchValidation | undefined;
  now: number;
  collision: ImportRow | undefined;
  collisionActions: CollisionActions;
  onChange: (rowId: string, patch: Partial<EditorRow>) => void;
  onRemove: (rowId: string) => void;
};

export function RecordLine(props: LineProps) {
  const {
    row,
    number,
    products,
    validation,
    now,
    collision,
    collisionActions,
    onChange,
    onRemove,
  } = props;
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
          {row.fromImport && (
            <span className="md-from-csv">line {String(row.fromImport.lines[0])}</span>
          )}
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
          <UsageTimeInput
            label={label('Usage hour (UTC)')}
            value={row.timestamp}
            now={now}
            control={{
              'aria-invalid': hasError(issues, 'timestamp'),
              'aria-describedby': `${id}-local${describe ? ` ${describe}` : ''}`,
            }}
            onChange={(timestamp) => set({ timestamp })}
          />
          <span id={`${id}-local`} className="md-hint">
            {ts?.zoneGiven === true ? `local ${localTime(ts.ms)}` : ' '}
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
      <RecordNotes
        id={issuesId}
        row={row}
        number={number}
        issues={issues}
        collision={collision}
        collisionActions={collisionActions}
        set={set}
      />
    </div>
  );
}
