// Who the active connection's container calls sign as, and why it matters: AWS keeps one
// MeterUsage report per hour and dimension for each EC2 instance, ECS task or EKS pod, so the
// identity of the caller, not the account, decides what counts as a duplicate.
import type { ConnectionSummary } from '../../../../shared/contract';
import { useContainerCaller } from '../../api/containers';
import { CopyValue } from '../../components/CopyValue';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Facts } from '../../components/Facts';

const KIND_LABELS = {
  'role-session': 'Role session',
  'iam-user': 'IAM user (long-term keys)',
  root: 'Root user',
  'federated-user': 'Federated user',
  other: 'Other',
} as const;

export function CallerIdentity({ connection }: { connection: ConnectionSummary | null }) {
  const caller = useContainerCaller(connection?.id, connection?.region);
  return (
    <section className="panel" aria-labelledby="caller-heading">
      <h2 id="caller-heading">Who is calling</h2>
      {caller.isPending && connection !== null && (
        <p className="cu-muted" role="status">
          Asking STS who this connection signs as…
        </p>
      )}
      {caller.isError && (
        <ErrorPanel title="Could not tell who this connection signs as." error={caller.error} />
      )}
      {caller.data && (
        <div aria-label="Caller identity">
          <Facts
            facts={[
              { label: 'Caller', value: <CopyValue value={caller.data.arn} label="Caller ARN" /> },
              {
                label: 'Counted as',
                value: (
                  <span>
                    {KIND_LABELS[caller.data.kind]} <span className="mono">{caller.data.name}</span>
                  </span>
                ),
              },
              {
                label: 'Account and region',
                value: `${caller.data.account} · ${caller.data.region}`,
              },
            ]}
          />
          <p className="cu-help">{caller.data.explanation}</p>
        </div>
      )}
    </section>
  );
}
