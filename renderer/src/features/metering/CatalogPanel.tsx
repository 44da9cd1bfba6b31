// The product catalog: the user's products (edited here, saved in main, importable and
// exportable as JSON) and, on the Sandbox connection, the sandbox's products read-only.
import { useId, useState, type ChangeEvent } from 'react';
import { productSchema, type Product } from '../../../../shared/metering';
import {
  useExportCatalog,
  useImportCatalog,
  useSaveCatalog,
  type CatalogView,
} from '../../api/metering';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { downloadText } from '../../components/download';

type Props = { catalog: CatalogView };

function withoutCode(p: Product): Product {
  const copy = { ...p };
  delete copy.productCode;
  return copy;
}

function blankProduct(taken: readonly Product[]): Product {
  let n = taken.length + 1;
  while (taken.some((p) => p.id === `product-${String(n)}`)) n += 1;
  return {
    id: `product-${String(n)}`,
    name: `New product ${String(n)}`,
    kind: 'saas',
    identityModel: 'concurrent-agreements',
    dimensions: [{ name: '', description: '' }],
    source: 'user',
  };
}

export function CatalogPanel({ catalog }: Props) {
  const id = useId();
  // The draft being edited; the saved catalog stays what main holds until Save.
  const [draft, setDraft] = useState<Product[] | null>(null);
  const products = draft ?? catalog.user;
  const save = useSaveCatalog();
  const importCatalog = useImportCatalog();
  const exportCatalog = useExportCatalog();
  const [importMode, setImportMode] = useState<'merge' | 'replace'>('merge');

  const problems = products.map((p) => {
    const cleaned = { ...p, dimensions: p.dimensions.filter((d) => d.name.trim() !== '') };
    const parsed = productSchema.safeParse(cleaned);
    return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'Invalid');
  });
  const update = (index: number, patch: Partial<Product>): void =>
    setDraft(products.map((p, i) => (i === index ? { ...p, ...patch } : p)));

  const onSave = (): void => {
    const cleaned = products.map((p) => ({
      ...p,
      dimensions: p.dimensions.filter((d) => d.name.trim() !== ''),
    }));
    save.mutate(cleaned, { onSuccess: () => setDraft(null) });
  };

  const onImportFile = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    importCatalog.mutate(
      { text: await file.text(), mode: importMode },
      { onSuccess: () => setDraft(null) },
    );
  };

  return (
    <section className="panel md-catalog" aria-labelledby={`${id}-h`}>
      <div className="md-panel-head">
        <h2 id={`${id}-h`}>Product catalog</h2>
        <span className="md-muted">
          The products you meter for and their dimensions. Records pick dimensions from here.
        </span>
        <div className="md-actions">
          <button type="button" onClick={() => setDraft([...products, blankProduct(products)])}>
            Add product
          </button>
          <button
            type="button"
            onClick={() =>
              exportCatalog.mutate(undefined, {
                onSuccess: (file) =>
                  downloadText(file.fileName, file.text, 'application/json;charset=utf-8'),
              })
            }
          >
            Export JSON
          </button>
          <label className="md-file-button">
            Import JSON
            <input
              type="file"
              accept=".json,application/json"
              onChange={(e) => void onImportFile(e)}
            />
          </label>
          <select
            aria-label="Import mode"
            value={importMode}
            onChange={(e) => setImportMode(e.target.value === 'replace' ? 'replace' : 'merge')}
          >
            <option value="merge">merge by id</option>
            <option value="replace">replace all</option>
          </select>
        </div>
      </div>
      {importCatalog.data && (
        <p className="md-note" role="status">
          Imported: {importCatalog.data.added} added, {importCatalog.data.updated} updated.
        </p>
      )}
      {[save.error, importCatalog.error, exportCatalog.error].map((e, i) =>
        e ? <ErrorPanel key={i} error={toDisplayableError(e)} /> : null,
      )}
      {products.length === 0 && (
        <p className="md-muted">
          No products of your own yet. Add one (name, kind, product code or concurrent agreements,
          dimensions), or import a catalog file.
        </p>
      )}
      {products.map((p, index) => (
        <fieldset key={index} className="md-product">
          <legend>{p.name || 'Unnamed product'}</legend>
          <div className="md-product-fields">
            <Field label="Name">
              {(control) => (
                <input
                  {...control}
                  value={p.name}
                  onChange={(e) => update(index, { name: e.target.value })}
                />
              )}
            </Field>
            <Field label="Id">
              {(control) => (
                <input
                  {...control}
                  className="mono"
                  value={p.id}
                  onChange={(e) => update(index, { id: e.target.value })}
                />
              )}
            </Field>
            <Field label="Kind">
              {(control) => (
                <select
                  {...control}
                  value={p.kind}
                  onChange={(e) => {
                    const kind =
                      e.target.value === 'ami'
                        ? 'ami'
                        : e.target.value === 'container'
                          ? 'container'
                          : 'saas';
                    update(index, {
                      kind,
                      ...(kind !== 'saas' ? { identityModel: 'legacy' as const } : {}),
                    });
                  }}
                >
                  <option value="saas">SaaS (BatchMeterUsage)</option>
                  <option value="ami">AMI (MeterUsage)</option>
                  <option value="container">Container (MeterUsage)</option>
                </select>
              )}
            </Field>
            <Field label="Customers named by">
              {(control) => (
                <select
                  {...control}
                  value={p.identityModel}
                  disabled={p.kind !== 'saas'}
                  onChange={(e) => {
                    const model = e.target.value === 'legacy' ? 'legacy' : 'concurrent-agreements';
                    setDraft(
                      products.map((x, i) =>
                        i === index
                          ? { ...(model === 'legacy' ? p : withoutCode(p)), identityModel: model }
                          : x,
                      ),
                    );
                  }}
                >
                  <option value="concurrent-agreements">
                    Account id + license ARN (concurrent agreements)
                  </option>
                  <option value="legacy">Product code + customer identifier (legacy)</option>
                </select>
              )}
            </Field>
            {p.identityModel === 'legacy' && (
              <Field label="Product code">
                {(control) => (
                  <input
                    {...control}
                    className="mono"
                    value={p.productCode ?? ''}
                    onChange={(e) => {
                      setDraft(
                        products.map((x, i) =>
                          i === index
                            ? e.target.value === ''
                              ? withoutCode(p)
                              : { ...p, productCode: e.target.value }
                            : x,
                        ),
                      );
                    }}
                  />
                )}
              </Field>
            )}
            <button
              type="button"
              className="md-link"
              onClick={() => setDraft(products.filter((_, i) => i !== index))}
            >
              Remove product
            </button>
          </div>
          <div className="md-dims">
            {p.dimensions.map((d, di) => (
              <div key={di} className="md-dim">
                <input
                  className="mono"
                  aria-label={`Dimension ${String(di + 1)} name, ${p.name}`}
                  placeholder="API name, e.g. Users"
                  value={d.name}
                  onChange={(e) =>
                    update(index, {
                      dimensions: p.dimensions.map((x, xi) =>
                        xi === di ? { ...x, name: e.target.value } : x,
                      ),
                    })
                  }
                />
                <input
                  aria-label={`Dimension ${String(di + 1)} description, ${p.name}`}
                  placeholder="What it counts"
                  value={d.description}
                  onChange={(e) =>
                    update(index, {
                      dimensions: p.dimensions.map((x, xi) =>
                        xi === di ? { ...x, description: e.target.value } : x,
                      ),
                    })
                  }
                />
                <button
                  type="button"
                  aria-label={`Remove dimension ${String(di + 1)}, ${p.name}`}
                  onClick={() =>
                    update(index, { dimensions: p.dimensions.filter((_, xi) => xi !== di) })
                  }
                >
                  ✕
                </button>
              </div>
            ))}
            <button
              type="button"
              onClick={() =>
                update(index, { dimensions: [...p.dimensions, { name: '', description: '' }] })
              }
            >
              Add dimension
            </button>
          </div>
          {problems[index] && <p className="inline-error">{problems[index]}</p>}
        </fieldset>
      ))}
      {draft !== null && (
        <div className="md-actions md-save-row">
          <button
            type="button"
            className="primary"
            onClick={onSave}
            disabled={save.isPending || problems.some((x) => x !== null)}
          >
            Save catalog
          </button>
          <button type="button" onClick={() => setDraft(null)}>
            Discard changes
          </button>
        </div>
      )}
      {catalog.sandboxActive && (
        <>
          <h3 className="md-subhead">Sandbox products (read-only)</h3>
          <p className="md-muted">Offered while the Sandbox connection is active.</p>
          <table className="md-totals">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Kind</th>
                <th scope="col">Customers named by</th>
                <th scope="col">Dimensions</th>
              </tr>
            </thead>
            <tbody>
              {catalog.sandbox.map((p) => (
                <tr key={p.id}>
                  <td>
                    {p.name}
                    {p.productCode && (
                      <>
                        {' '}
                        <span className="mono md-muted">{p.productCode}</span>
                      </>
                    )}
                  </td>
                  <td>{p.kind}</td>
                  <td>
                    {p.identityModel === 'legacy'
                      ? 'product code + identifier'
                      : 'account + license ARN'}
                  </td>
                  <td>{p.dimensions.map((d) => d.name).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
