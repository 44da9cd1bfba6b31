import { useAppInfo } from '../../api/queries';
import { ComingLater } from '../../components/ComingLater';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Facts } from '../../components/Facts';
import { Loading } from '../../components/Loading';
import { Screen } from '../../components/Screen';

function ActiveConnection() {
  const appInfo = useAppInfo();
  if (appInfo.isPending) return <Loading label="Loading the active connection…" />;
  if (appInfo.isError) {
    return (
      <ErrorPanel
        title="Could not read the active connection."
        error={appInfo.error}
        onRetry={() => void appInfo.refetch()}
      />
    );
  }
  const connection = appInfo.data.activeConnection;
  return (
    <section className="panel" aria-labelledby="active-connection-heading">
      <h2 id="active-connection-heading">Active connection</h2>
      {connection === null ? (
        <p>No connection is active yet.</p>
      ) : (
        <Facts
          facts={[
            { label: 'Name', value: connection.name },
            {
              label: 'Kind',
              value: connection.isSandbox ? 'Sandbox (not real AWS)' : connection.kind,
            },
            { label: 'Account', value: connection.accountId ?? 'not known yet', mono: true },
            { label: 'Region', value: connection.region, mono: true },
            ...(connection.endpoint === undefined
              ? []
              : [{ label: 'Endpoint', value: connection.endpoint, mono: true }]),
          ]}
        />
      )}
    </section>
  );
}

export function ConnectionsScreen() {
  return (
    <Screen
      title="Connections"
      purpose="Choose which AWS account and region every screen acts on, and how Meterdesk signs in to it."
    >
      <ActiveConnection />
      <ComingLater
        items={[
          'Add connections from AWS profiles, SSO or access keys (secrets stay encrypted in the main process).',
          'Switch the active connection; a real connection never looks like the sandbox.',
          'Check a connection: who it signs in as, and which regions it can reach.',
        ]}
      />
    </Screen>
  );
}
