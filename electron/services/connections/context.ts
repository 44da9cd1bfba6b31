// What the parts of the connections service share: its ports, the saved connections, the
// credential providers built so far and the last credential expiration seen per connection.
import type { ConnectionRecords } from './records';
import type { ConnectionsDeps, CredentialsProvider } from './types';

export type ConnectionsContext = {
  deps: ConnectionsDeps;
  records: ConnectionRecords;
  /** One provider per connection, with the key of what it was built from. */
  providers: Map<string, { key: string; provider: CredentialsProvider }>;
  /** The last expiration seen per connection (for the screen). */
  expirations: Map<string, number>;
};
