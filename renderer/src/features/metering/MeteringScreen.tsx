// Metering: enter or import usage records, see every problem as you type (the same rules main
// applies), preview exactly what will be sent, and submit. The input side lives here; the
// submission's progress and outcomes belong to the submit side (SubmitResult).
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Product } from '../../../../shared/metering';
import { allProducts, useCatalog, usePlan, useSubmit } from '../../api/metering';
import { useAppInfo } from '../../api/queries';
import { useLeaveGuard } from '../../app/leave-guard';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { Loading } from '../../components/Loading';
import { Screen } from '../../components/Screen';
import { Tabs } from '../../components/Tabs';
import { useBillingConfirmation, type BillingAnswer } from '../connections/useBillingConfirmation';
import { CatalogPanel } from './CatalogPanel';
import { CsvImport } from './CsvImport';
import { emptyRow, findProductByCode, nextRow, type EditorRow } from './editor-model';
import { Preview } from './Preview';
import { RecordEditor } from './RecordEditor';
import { SubmitResult } from './SubmitResult';
import { useMeteringWork } from './useMeteringWork';
import './metering.css';

/** The query part of the route ("#/metering?customerAwsAccountId=…"). */
function readRouteQuery(): string {
  const hash = window.location.hash;
  const q = hash.indexOf('?');
  return q < 0 ? '' : hash.slice(q + 1);
}
function subscribeHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** Re-renders every `ms` so countdowns stay true. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** A record prefilled from the route (the Customers screen links here with these params). */
function rowFromQuery(query: string, catalog: readonly Product[], now: number): EditorRow | null {
  const params = new URLSearchParams(query);
  const keys = ['customerAwsAccountId', 'licenseArn', 'customerIdentifier', 'productCode'];
  if (!keys.some((k) => params.has(k))) return null;
  const code = params.get('productCode');
  const product = code ? findProductByCode(catalog, code) : undefined;
  return {
    ...emptyRow(now, product?.id ?? ''),
    customerAwsAccountId: params.get('customerAwsAccountId') ?? '',
    licenseArn: params.get('licenseArn') ?? '',
    customerIdentifier: params.get('customerIdentifier') ?? '',
  };
}

function countOf(n: number, noun: string): string {
  return `${String(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** What leaving would leave behind, or null when nothing is waiting to be sent. */
function unsentWork(records: number, importReady: number): string | null {
  if (records === 0 && importReady === 0) return null;
  const parts = [
    ...(records > 0 ? [`${countOf(records, 'record')} in the editor`] : []),
    ...(importReady > 0 ? [countOf(importReady, 'ready import row')] : []),
  ];
  return `${parts.join(' and ')} ${records + importReady === 1 ? 'is' : 'are'} not sent yet. They stay saved as a draft for this connection and will be here when you come back.`;
}

export function MeteringScreen() {
  const catalogQuery = useCatalog();
  const appInfo = useAppInfo();
  const now = useNow(30_000);
  const products = useMemo(() => allProducts(catalogQuery.data), [catalogQuery.data]);
  const [tab, setTab] = useState<'records' | 'catalog'>('records');
  const work = useMeteringWork({
    products,
    now,
    connectionId: appInfo.data?.activeConnection?.id,
  });
  const { rows, changeRows, drafts, validations, imported, excluded, version } = work;
  const [planVersion, setPlanVersion] = useState(0);
  const plan = usePlan();
  const submit = useSubmit();
  const billing = useBillingConfirmation();

  // Route prefill, applied once per distinct query, once the catalog is known (adjusting state
  // while rendering, as React recommends for derived resets).
  const routeQuery = useSyncExternalStore(subscribeHash, readRouteQuery);
  const [appliedQuery, setAppliedQuery] = useState('');
  if (catalogQuery.data && routeQuery !== appliedQuery) {
    setAppliedQuery(routeQuery);
    const prefilled = rowFromQuery(routeQuery, products, now);
    if (prefilled) {
      changeRows((prev) => [...prev, prefilled]);
      setTab('records');
    }
  }

  const onPreview = (): void => {
    setPlanVersion(version);
    // A finished submission's outcome stays on screen until "New submission".
    if (!submit.isSuccess) submit.reset();
    plan.mutate({
      records: drafts,
      ...(imported ? { importHandle: imported.summary.handle } : {}),
      ...(excluded.size > 0 ? { excludeImportRows: [...excluded.keys()] } : {}),
    });
  };

  const onSubmit = async ({ dryRun }: { dryRun: boolean }): Promise<void> => {
    const current = plan.data;
    const planId = current?.planId;
    if (!current || planId === null || planId === undefined) return;
    // A dry run meters nothing, so it needs no confirmation; everything else shows main's
    // billing preview (account, region, endpoint, totals) and carries the typed answer back.
    let answer: BillingAnswer = {};
    if (!dryRun) {
      const preview = current.checks.billing;
      if (!preview) return;
      const confirmed = await billing.confirm(preview);
      if (!confirmed) return;
      answer = confirmed;
    }
    submit.mutate({ planId, ...(dryRun ? { dryRun } : {}), ...answer });
  };

  const importReady = imported
    ? imported.summary.ready - [...excluded.values()].filter((x) => x.status === 'ready').length
    : 0;
  const [askClear, setAskClear] = useState(false);
  const sent = submit.data !== undefined && planVersion === version;
  useLeaveGuard('Metering', sent ? null : unsentWork(rows.length, importReady));

  return (
    <Screen
      title="Metering"
      purpose="Enter or import usage records, fix what AWS would reject, preview exactly what will be sent, then submit."
    >
      <Tabs
        label="Metering"
        tabs={[
          { id: 'records', label: 'Records' },
          { id: 'catalog', label: `Product catalog (${String(products.length)})` },
        ]}
        selected={tab}
        onSelect={setTab}
      >
        {catalogQuery.isPending && <Loading label="Loading the product catalog…" />}
        {catalogQuery.error && (
          <ErrorPanel
            title="The product catalog could not be read"
            error={toDisplayableError(catalogQuery.error)}
            onRetry={() => void catalogQuery.refetch()}
          />
        )}
        {catalogQuery.data && tab === 'catalog' && <CatalogPanel catalog={catalogQuery.data} />}
        {catalogQuery.data && tab === 'records' && (
          <>
            {products.length === 0 && (
              <p className="md-note">
                Start by adding the products you meter for in the{' '}
                <button type="button" className="md-link" onClick={() => setTab('catalog')}>
                  product catalog
                </button>
                .
              </p>
            )}
            <CsvImport
              products={products}
              imported={imported}
              excluded={excluded}
              now={now}
              onImported={work.replaceImport}
              actions={work.importActions}
              onDiscard={() => work.replaceImport(null)}
            />
            <RecordEditor
              rows={rows}
              products={products}
              validations={validations}
              now={now}
              onChange={(rowId, patch) =>
                changeRows((prev) => prev.map((r) => (r.rowId === rowId ? { ...r, ...patch } : r)))
              }
              onRemove={(rowId) => changeRows((prev) => prev.filter((r) => r.rowId !== rowId))}
              onAdd={() =>
                changeRows((prev) => [...prev, nextRow(prev, now, products[0]?.id ?? '')])
              }
              onClear={() => setAskClear(true)}
              collisions={work.collisions}
              collisionActions={work.collisionActions}
            />
            <Preview
              plan={plan.data ?? null}
              planning={plan.isPending}
              planError={plan.error}
              stale={plan.data !== undefined && planVersion !== version}
              nothingToPreview={rows.length === 0 && importReady === 0}
              now={now}
              onPreview={onPreview}
              submitting={submit.isPending}
              submitError={submit.error}
              confirmRequired={billing.required}
              onSubmit={(options) => void onSubmit(options)}
              submitted={submit.isSuccess && submit.variables.planId === plan.data?.planId}
              onNewSubmission={() => {
                submit.reset();
                plan.reset();
              }}
            />
            <ConfirmDialog
              title="Clear all records?"
              open={askClear}
              message={`${countOf(rows.length, 'record')} typed in the editor will be removed. The import is not affected.`}
              confirmLabel={`Clear ${countOf(rows.length, 'record')}`}
              cancelLabel="Keep them"
              onCancel={() => setAskClear(false)}
              onConfirm={() => {
                setAskClear(false);
                changeRows(() => []);
              }}
            />
            {work.draft.problem && (
              <p className="md-note" role="status">
                {work.draft.problem}
              </p>
            )}
            {billing.element}
            {submit.data && (
              <SubmitResult submissionId={submit.data.submissionId} total={submit.data.total} />
            )}
          </>
        )}
      </Tabs>
    </Screen>
  );
}
