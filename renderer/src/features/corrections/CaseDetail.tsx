// One correction case: who, what and under which agreement; notes on the case (its sources, a failed top-up); the hours;
// what should have been billed; the proposed fix; what was sent; and the proof to export.
import type { CaseView } from '../../../../shared/channels/corrections';
import { useCase, useClosePeriod, useExportRecord, useRefreshCase } from '../../api/corrections';
import { useAppInfo } from '../../api/queries';
import { CopyValue } from '../../components/CopyValue';
import { downloadText } from '../../components/download';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { Facts } from '../../components/Facts';
import { Loading } from '../../components/Loading';
import { EntriesPanel } from './EntriesPanel';
import { HoursTable } from './HoursTable';
import { ProposalPanel } from './ProposalPanel';
import { UsageEditor } from './UsageEditor';
import { differenceText, formatHour, formatMoneyText, stateLabels } from './format';

function CaseFacts({ view }: { view: CaseView }) {
  const { customer, agreement } = view;
  return (
    <Facts
      facts={[
        {
          label: 'State',
          value: <span className="corrections-state">{stateLabels[view.state]}</span>,
        },
        {
          label: 'Customer',
          value: (
            <>
              {customer.name !== undefined && <>{customer.name} · </>}
              <CopyValue value={customer.awsAccountId} label="customer account id" />
              {customer.customerIdentifier !== undefined && (
                <>
                  {' '}
                  · <CopyValue value={customer.customerIdentifier} label="CustomerIdentifier" />
                </>
              )}
            </>
          ),
        },
        ...(customer.licenseArn === undefined
          ? []
          : [
              {
                label: 'LicenseArn',
                value: <CopyValue value={customer.licenseArn} label="LicenseArn" />,
              },
            ]),
        { label: 'Product', value: view.product.name },
        { label: 'Dimension', value: view.dimension, mono: true },
        {
          label: 'Period',
          value: `${formatHour(view.from)} to ${formatHour(view.to)} (not included)`,
        },
        {
          label: 'Agreement',
          value: <CopyValue value={agreement.agreementId} label="agreement id" />,
        },
        {
          label: 'Price per unit',
          value: formatMoneyText(agreement.price, agreement.currencyCode),
        },
        {
          label: 'Difference',
          value: differenceText(view.hours, view.currencyCode),
        },
        {
          label: 'Connection',
          value: `${view.connection.name} (account ${view.connection.accountId}, ${view.connection.region})`,
        },
      ]}
    />
  );
}

function Toolbar({ view }: { view: CaseView }) {
  const refresh = useRefreshCase();
  const exporter = useExportRecord();
  const closePeriod = useClosePeriod();
  const appInfo = useAppInfo();
  const isSandbox = appInfo.data?.activeConnection?.isSandbox === true;
  const exportRecord = (): void => {
    exporter.mutate(view.caseId, {
      onSuccess: ({ files }) => {
        for (const file of files) downloadText(file.fileName, file.text, file.mimeType);
      },
    });
  };
  return (
    <div className="corrections-toolbar">
      <button
        type="button"
        onClick={() => refresh.mutate(view.caseId)}
        disabled={refresh.isPending}
      >
        {refresh.isPending ? 'Refreshing…' : 'Refresh'}
      </button>
      <button type="button" onClick={exportRecord} disabled={exporter.isPending}>
        Export correction record
      </button>
      {isSandbox && (
        <button
          type="button"
          onClick={() =>
            closePeriod.mutate(undefined, { onSuccess: () => refresh.mutate(view.caseId) })
          }
          disabled={closePeriod.isPending}
        >
          Issue this month’s invoices now (Sandbox)
        </button>
      )}
      <span className="corrections-checked">Checked {view.checkedAt.slice(11, 19)} UTC</span>
      {refresh.error && <ErrorPanel error={toDisplayableError(refresh.error)} />}
      {exporter.error && (
        <ErrorPanel
          title="The record was not exported"
          error={toDisplayableError(exporter.error)}
        />
      )}
      {closePeriod.error && <ErrorPanel error={toDisplayableError(closePeriod.error)} />}
    </div>
  );
}

export function CaseDetail({ caseId }: { caseId: string }) {
  const query = useCase(caseId);
  if (query.isPending) return <Loading label="Reading the case…" />;
  if (query.error) {
    return (
      <ErrorPanel
        title="The case could not be read"
        error={toDisplayableError(query.error)}
        onRetry={() => void query.refetch()}
      />
    );
  }
  const view = query.data;
  return (
    <article className="corrections-case" aria-label={`Correction case ${view.caseId}`}>
      <h2 className="corrections-case-title">
        Case <span className="mono">{view.caseId}</span>
      </h2>
      <CaseFacts view={view} />
      <Toolbar view={view} />
      {view.notes.length > 0 && (
        <ul className="corrections-notes" aria-label="Notes on this case">
          {view.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <HoursTable view={view} />
      <UsageEditor key={view.caseId} view={view} />
      <ProposalPanel view={view} />
      <EntriesPanel view={view} />
    </article>
  );
}
