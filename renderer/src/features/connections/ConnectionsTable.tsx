// Every connection, which one is active, the edit form of the one being edited and the last
// self-test's answer.
import { useState } from 'react';
import type { SelfTestResult } from '../../../../shared/channels/connections';
import { useConnections } from '../../api/connections';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Loading } from '../../components/Loading';
import { ConnectionRow } from './ConnectionRow';
import { EditConnectionForm } from './EditConnectionForm';
import { editButtonId } from './element-ids';
import { SelfTestGrid } from './SelfTestGrid';

type Tested = { id: string; result: SelfTestResult | null };

export function ConnectionsTable() {
  const connections = useConnections();
  const [tested, setTested] = useState<Tested | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const closeEditor = (id: string, savedName?: string): void => {
    setEditingId(null);
    setSaved(savedName ?? null);
    // Back to the button that opened the form, so keyboard users keep their place.
    requestAnimationFrame(() => document.getElementById(editButtonId(id))?.focus());
  };
  if (connections.isPending) return <Loading label="Loading connections…" />;
  if (connections.isError) {
    return (
      <ErrorPanel
        title="Could not read the connections."
        error={connections.error}
        onRetry={() => void connections.refetch()}
      />
    );
  }
  const { connections: all, activeId } = connections.data;
  const testedConnection = all.find((c) => c.id === tested?.id);
  const editing = all.find((c) => c.id === editingId && !c.isSandbox);
  return (
    <section className="panel" aria-labelledby="connections-heading">
      <h2 id="connections-heading">All connections</h2>
      <table className="conn-table" aria-label="Connections">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Signs in with</th>
            <th scope="col">Account</th>
            <th scope="col">Regions</th>
            <th scope="col">Endpoint</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {all.map((connection) => (
            <ConnectionRow
              key={connection.id}
              connection={connection}
              isActive={connection.id === activeId}
              isEditing={connection.id === editing?.id}
              onTested={(result, id) => setTested({ id, result })}
              onEdit={(id) => {
                setSaved(null);
                setEditingId((current) => (current === id ? null : id));
              }}
            />
          ))}
        </tbody>
      </table>
      {editing && (
        <EditConnectionForm
          key={editing.id}
          connection={editing}
          onClose={(savedName) => closeEditor(editing.id, savedName)}
        />
      )}
      <p className="save-status" role="status">
        {saved !== null ? `Saved “${saved}”.` : ''}
      </p>
      {tested && testedConnection && (
        <section className="panel" aria-label={`Self-test of ${testedConnection.name}`}>
          <h3>Self-test: {testedConnection.name}</h3>
          {tested.result ? (
            <SelfTestGrid
              result={tested.result}
              onRetry={() => setTested({ id: tested.id, result: null })}
            />
          ) : (
            <Loading label="Testing…" />
          )}
        </section>
      )}
    </section>
  );
}
