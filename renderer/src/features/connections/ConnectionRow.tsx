// One connection in the table: how it signs in, its account, regions and endpoint, and the
// actions on it (use, test, edit, remove).
import { useState } from 'react';
import type { ConnectionInfo, SelfTestResult } from '../../../../shared/channels/connections';
import { useActivateConnection, useRemoveConnection, useSelfTest } from '../../api/connections';
import { ErrorPanel } from '../../components/ErrorPanel';
import { credentialsLabel } from './credentials-label';
import { editButtonId, editFormId } from './element-ids';

type ConnectionRowProps = {
  connection: ConnectionInfo;
  isActive: boolean;
  isEditing: boolean;
  /** A test started (null) or answered. */
  onTested: (result: SelfTestResult | null, id: string) => void;
  onEdit: (id: string) => void;
};

export function ConnectionRow({
  connection,
  isActive,
  isEditing,
  onTested,
  onEdit,
}: ConnectionRowProps) {
  const activate = useActivateConnection();
  const remove = useRemoveConnection();
  const test = useSelfTest();
  const [now] = useState(() => Date.now());
  const runTest = (): void => {
    onTested(null, connection.id);
    test.mutate({ id: connection.id }, { onSuccess: (result) => onTested(result, connection.id) });
  };
  return (
    <tr aria-current={isActive ? 'true' : undefined}>
      <th scope="row">
        {connection.name}
        {isActive && <span className="badge"> active</span>}
        {connection.problem !== undefined && <p className="field-error">{connection.problem}</p>}
      </th>
      <td>{credentialsLabel(connection, now)}</td>
      <td className="mono">{connection.accountId ?? 'not known yet'}</td>
      <td className="mono">{connection.regions.join(', ')}</td>
      <td className="mono">{connection.endpoint ?? 'AWS'}</td>
      <td>
        <div className="conn-actions">
          <button
            type="button"
            disabled={isActive || activate.isPending}
            onClick={() => activate.mutate({ id: connection.id })}
            aria-label={`Use ${connection.name}`}
          >
            Use
          </button>
          <button
            type="button"
            disabled={test.isPending}
            onClick={runTest}
            aria-label={`Test ${connection.name}`}
          >
            {test.isPending ? 'Testing…' : 'Test'}
          </button>
          {!connection.isSandbox && (
            <>
              <button
                type="button"
                id={editButtonId(connection.id)}
                aria-expanded={isEditing}
                aria-controls={isEditing ? editFormId(connection.id) : undefined}
                onClick={() => onEdit(connection.id)}
                aria-label={`Edit ${connection.name}`}
              >
                Edit
              </button>
              <button
                type="button"
                disabled={remove.isPending}
                onClick={() => remove.mutate({ id: connection.id })}
                aria-label={`Remove ${connection.name}`}
              >
                Remove
              </button>
            </>
          )}
        </div>
        {test.isError && (
          <ErrorPanel title="The self-test could not run." error={test.error} onRetry={runTest} />
        )}
        {activate.isError && <ErrorPanel error={activate.error} />}
        {remove.isError && <ErrorPanel error={remove.error} />}
      </td>
    </tr>
  );
}
