// The top bar: which connection every action goes to, always visible.
import type { UseQueryResult } from '@tanstack/react-query';
import type { AppInfo } from '../../../shared/contract';
import { hrefFor } from './router';

function ConnectionSummary({ appInfo }: { appInfo: UseQueryResult<AppInfo> }) {
  if (appInfo.isPending) {
    return (
      <span className="loading" role="status">
        Loading connection…
      </span>
    );
  }
  if (appInfo.isError) {
    return (
      <span className="error-inline" role="alert" title={appInfo.error.hint}>
        Connection unknown: {appInfo.error.message}
      </span>
    );
  }
  const connection = appInfo.data.activeConnection;
  if (connection === null) {
    return <span>No connection yet — add one in Connections.</span>;
  }
  return (
    <>
      <dl className="connection-fields">
        <div>
          <dt>Connection</dt>
          <dd>{connection.name}</dd>
        </div>
        <div>
          <dt>Account</dt>
          <dd className="mono">{connection.accountId ?? 'not known yet'}</dd>
        </div>
        <div>
          <dt>Region</dt>
          <dd className="mono">{connection.region}</dd>
        </div>
      </dl>
      {connection.isSandbox && <span className="badge badge-sandbox">Sandbox</span>}
    </>
  );
}

export function TopBar({ appInfo }: { appInfo: UseQueryResult<AppInfo> }) {
  return (
    <header className="topbar">
      <span className="brand">Meterdesk</span>
      <section className="connection" aria-label="Active connection">
        <ConnectionSummary appInfo={appInfo} />
      </section>
      <a className="topbar-link" href={hrefFor('/connections')}>
        Switch connection
      </a>
    </header>
  );
}
