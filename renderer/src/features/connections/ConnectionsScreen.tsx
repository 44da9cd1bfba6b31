// Connections: the built-in Sandbox, AWS profiles and pasted keys; which one every screen acts
// on; and a permission self-test per connection.
import { Screen } from '../../components/Screen';
import { AddConnectionForm } from './AddConnectionForm';
import { ConnectionsTable } from './ConnectionsTable';
import './connections.css';

export function ConnectionsScreen() {
  return (
    <Screen
      title="Connections"
      purpose="Choose which AWS account and region every screen acts on, and how Meterdesk signs in to it."
    >
      <ConnectionsTable />
      <AddConnectionForm />
    </Screen>
  );
}
