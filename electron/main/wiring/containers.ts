// Wires the containers area's services to its channels.
import type { containersChannels } from '../../../shared/channels/containers';
import type { AreaWiring, CoreDeps } from './types';

export type ContainersChannel = keyof typeof containersChannels;

export function wireContainers(_deps: CoreDeps): AreaWiring<ContainersChannel> {
  return { handlers: {} };
}
