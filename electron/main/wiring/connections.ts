// Wires the connections area's services to its channels.
import type { connectionsChannels } from '../../../shared/channels/connections';
import type { AreaWiring, CoreDeps } from './types';

export type ConnectionsChannel = keyof typeof connectionsChannels;

export function wireConnections(_deps: CoreDeps): AreaWiring<ConnectionsChannel> {
  return { handlers: {} };
}
