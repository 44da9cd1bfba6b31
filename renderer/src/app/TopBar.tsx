// The banner: the sandbox band while the Sandbox is active, and the top bar: which connection,
// account and region every action goes to, always visible, with the connection and region
// switchers one click away. It also hosts the MFA prompt, which can be needed on any screen.
import type { UseQueryResult } from '@tanstack/react-query';
import { useId } from 'react';
import type { AppInfo } from '../../../shared/contract';
import { useActivateConnection, useConnections, useConnectionsSync } from '../api/connections';
import { MfaPrompt } from '../features/connections/MfaPrompt';
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
      {connection.isSandbox ? (
        <span className="badge badge-sandbox">Sandbox</span>
      ) : (
        <span className="badge badge-real">Real AWS</span>
      )}
    </>
  );
}

function Switchers() {
  const connections = useConnections();
  const activate = useActivateConnection();
  const connectionId = useId();
  const regionId = useId();
  if (!connections.data) return null;
  const { activeId, activeRegion } = connections.data;
  const active = connections.data.connections.find((c) => c.id === activeId);
  return (
    <div className="switchers">
      <label htmlFor={connectionId} className="visually-hidden">
        Switch connection
      </label>
      <select
        id={connectionId}
        value={activeId}
        disabled={activate.isPending}
        onChange={(event) => activate.mutate({ id: event.target.value })}
      >
        {connections.data.connections.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.isSandbox ? ' (sandbox)' : ''}
          </option>
        ))}
      </select>
      <label htmlFor={regionId} className="visually-hidden">
        Switch region
      </label>
      <select
        id={regionId}
        value={activeRegion}
        disabled={activate.isPending || !active || active.regions.length < 2}
        onChange={(event) => activate.mutate({ id: activeId, region: event.target.value })}
      >
        {(active?.regions ?? [activeRegion]).map((region) => (
          <option key={region} value={region}>
            {region}
          </option>
        ))}
      </select>
      {activate.isError && (
        <span className="error-inline" role="alert" title={activate.error.hint}>
          {activate.error.message}
        </span>
      )}
    </div>
  );
}

export function TopBar({ appInfo }: { appInfo: UseQueryResult<AppInfo> }) {
  useConnectionsSync();
  const active = appInfo.data?.activeConnection;
  const real = active?.isSandbox === false;
  // One banner landmark holds the sandbox band too, so no content sits outside a landmark.
  return (
    <header className="app-header">
      {active?.isSandbox === true && (
        <div className="sandbox-band" role="note">
          Sandbox — not real AWS
        </div>
      )}
      <div className={real ? 'topbar topbar-real' : 'topbar'}>
        <span className="brand">Meterdesk</span>
        <section className="connection" aria-label="Active connection">
          <ConnectionSummary appInfo={appInfo} />
        </section>
        <div className="topbar-tools">
          <Switchers />
          <a className="topbar-link" href={hrefFor('/connections')}>
            Manage connections
          </a>
        </div>
        <MfaPrompt />
      </div>
    </header>
  );
}
