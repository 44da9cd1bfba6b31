// The self-test's answer: who the connection signs in as, and per region whether each metering
// API is allowed, denied or could not be told (the probes cannot bill).
import type { SelfTestResult } from '../../../../shared/channels/connections';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Facts } from '../../components/Facts';

type Cell = SelfTestResult['regions'][number]['cells'][number];

const statusLabels: Record<Cell['status'], string> = {
  allowed: 'Allowed',
  denied: 'Denied',
  error: 'Could not tell',
};

function GridCell({ cell }: { cell: Cell }) {
  return (
    <td className={`grid-${cell.status}`} title={cell.probe}>
      <span className={`grid-cell-${cell.status}`}>{statusLabels[cell.status]}</span>
      {cell.reason !== undefined && <p className="grid-reason">{cell.reason}</p>}
      {cell.status !== 'allowed' && cell.hint !== undefined && (
        <p className="grid-reason">{cell.hint}</p>
      )}
    </td>
  );
}

function Identity({ result, onRetry }: { result: SelfTestResult; onRetry: () => void }) {
  if (result.identity) {
    return (
      <Facts
        facts={[
          { label: 'Account', value: result.identity.account, mono: true },
          { label: 'Signed in as', value: result.identity.arn, mono: true },
        ]}
      />
    );
  }
  if (!result.identityError) return null;
  return (
    <ErrorPanel
      title="Could not sign in with this connection."
      error={{
        code: result.identityError.code,
        message: result.identityError.message,
        hint: result.identityError.hint,
      }}
      onRetry={onRetry}
    />
  );
}

export function SelfTestGrid({ result, onRetry }: { result: SelfTestResult; onRetry: () => void }) {
  const regions = result.regions.map((r) => r.region);
  const apis = result.regions[0]?.cells.map((c) => ({ api: c.api, action: c.action })) ?? [];
  return (
    <div className="self-test">
      <Identity result={result} onRetry={onRetry} />
      {regions.length > 0 && (
        <table className="conn-table" aria-label="Permissions by region">
          <thead>
            <tr>
              <th scope="col">API (IAM action)</th>
              {regions.map((region) => (
                <th key={region} scope="col" className="mono">
                  {region}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {apis.map(({ api, action }) => (
              <tr key={api}>
                <th scope="row">
                  {api} <span className="mono">({action})</span>
                </th>
                {result.regions.map(({ region, cells }) => {
                  const cell = cells.find((c) => c.api === api);
                  return cell ? <GridCell key={region} cell={cell} /> : <td key={region}>—</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="field-help">
        Probes that cannot bill: ResolveCustomer with an invalid token, BatchMeterUsage with no
        records, MeterUsage as a dry run, LookupEvents for one event.
      </p>
    </div>
  );
}
