import { useState, type KeyboardEvent } from 'react';
import { useResolveToken } from '../../api/customers';
import { useCatalog } from '../../api/metering';
import { useAppInfo } from '../../api/queries';
import { Screen } from '../../components/Screen';
import { BulkResolve } from './BulkResolve';
import { HistoryTable } from './HistoryTable';
import { ResolveResultCard } from './ResolveResultCard';
import { SandboxTools } from './SandboxTools';
import { TokenConsole } from './TokenConsole';
import './customers.css';

type Tab = 'resolve' | 'bulk' | 'history';
const tabs: readonly { id: Tab; label: string }[] = [
  { id: 'resolve', label: 'Resolve a token' },
  { id: 'bulk', label: 'Bulk resolve' },
  { id: 'history', label: 'History' },
];

function ResolveTab({
  isSandbox,
  connectionName,
}: {
  isSandbox: boolean;
  connectionName?: string;
}) {
  const [text, setText] = useState('');
  const resolve = useResolveToken();
  const catalog = useCatalog();
  return (
    <div className={isSandbox ? 'cu-grid' : 'cu-stack'}>
      <div className="cu-stack">
        <TokenConsole
          text={text}
          onTextChange={setText}
          onResolve={(pasted) => resolve.mutate(pasted)}
          resolving={resolve.isPending}
          connectionName={connectionName}
          error={resolve.error}
        />
        {resolve.data && <ResolveResultCard result={resolve.data} catalog={catalog.data} />}
        {!resolve.data && !resolve.isPending && (
          <p className="cu-muted">
            Start by pasting what the buyer’s browser sent to your sign-up page. Resolve tokens
            within minutes: they expire.
          </p>
        )}
      </div>
      {isSandbox && (
        <SandboxTools
          onUse={(formBody) => {
            setText(formBody);
            resolve.reset();
          }}
        />
      )}
    </div>
  );
}

export function CustomersScreen() {
  const [tab, setTab] = useState<Tab>('resolve');
  const appInfo = useAppInfo();
  const connection = appInfo.data?.activeConnection ?? undefined;

  const onTabKey = (event: KeyboardEvent<HTMLDivElement>): void => {
    const at = tabs.findIndex((t) => t.id === tab);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = tabs[(at + step + tabs.length) % tabs.length];
    if (next) {
      setTab(next.id);
      document.getElementById(`customers-tab-${next.id}`)?.focus();
    }
  };

  return (
    <Screen
      title="Customers"
      purpose="Resolve the registration tokens buyers’ browsers post to your sign-up page into the customer’s account, license and product (ResolveCustomer)."
    >
      <div className="cu-tabs" role="tablist" aria-label="Customers" onKeyDown={onTabKey}>
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`customers-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`customers-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id={`customers-panel-${tab}`} role="tabpanel" aria-labelledby={`customers-tab-${tab}`}>
        {tab === 'resolve' && (
          <ResolveTab
            isSandbox={connection?.isSandbox === true}
            {...(connection ? { connectionName: connection.name } : {})}
          />
        )}
        {tab === 'bulk' && <BulkResolve />}
        {tab === 'history' && <HistoryTable />}
      </div>
    </Screen>
  );
}
