// Wires the metering area's services to its channels.
import type { meteringChannels } from '../../../shared/channels/metering';
import type { AreaWiring, CoreDeps } from './types';

export type MeteringChannel = keyof typeof meteringChannels;

export function wireMetering(_deps: CoreDeps): AreaWiring<MeteringChannel> {
  return { handlers: {} };
}
