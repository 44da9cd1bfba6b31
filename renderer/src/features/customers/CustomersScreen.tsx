import { useState } from 'react';
import {
  findCustomer,
  type CustomerDirectory,
} from '../../../../shared/channels/customer-directory';
import { useCustomerDirectory } from '../../api/customer-directory';
import { useResolveToken } from '../../api/customers';
import { useCatalog } from '../../api/metering';
import { useAppInfo } from '../../api/queries';
import { Screen } from '../../components/Screen';
import { useFocusOnArrival } from '../../components/useFocusOnArrival';
import { Tabs } from '../../components/Tabs';
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
  directory,
}: {
  isSandbox: boolean;
  connectionName?: string;
  directory: CustomerDirectory | undefined;
}) {
  const [text, setText] = useState('');
  const resolve = useResolveToken();
  const catalog = useCatalog();
  const resolved = resolve.data?.customer;
  const name =
    directory && resolved
      ? findCustomer(directory, resolved.customerAwsAccountId ?? resolved.customerIdentifier ?? '')
          ?.name
      : undefined;
  const resultRef = useFocusOnArrival<HTMLDivElement>(resolve.data);
  // A result belongs to the text it came from: any change (garbage included) retires it.
  const changeText = (next: string): void => {
    setText(next);
    if (resolve.data !== undefined || resolve.error !== null) resolve.reset();
  };
  return (
    <div className={isSandbox ? 'cu-grid' : 'cu-stack'}>
      <div className="cu-stack">
        <TokenConsole
          text={text}
          onTextChange={changeText}
          onResolve={(pasted) => resolve.mutate(pasted)}
          resolving={resolve.isPending}
          connectionName={connectionName}
          error={resolve.error}
        />
        {resolve.data && (
          <div ref={resultRef} tabIndex={-1} className="cu-result">
            <ResolveResultCard result={resolve.data} catalog={catalog.data} customerName={name} />
          </div>
        )}
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
            changeText(formBody);
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
  const directory = useCustomerDirectory(connection?.id).data;

  return (
    <Screen
      title="Customers"
      purpose="Resolve the registration tokens buyers’ browsers post to your sign-up page into the customer’s account, license and product (ResolveCustomer)."
    >
      <Tabs label="Customers" tabs={tabs} selected={tab} onSelect={setTab}>
        {tab === 'resolve' && (
          <ResolveTab
            isSandbox={connection?.isSandbox === true}
            {...(connection ? { connectionName: connection.name } : {})}
            directory={directory}
          />
        )}
        {tab === 'bulk' && <BulkResolve />}
        {tab === 'history' && <HistoryTable directory={directory} />}
      </Tabs>
    </Screen>
  );
}
