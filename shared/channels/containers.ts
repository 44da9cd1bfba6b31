// Channels and events of the containers area; shared/contract.ts merges every area's table.
import type { ChannelTable, EventTable } from './table';

export const containersChannels = {} as const satisfies ChannelTable;

export const containersEvents = {} as const satisfies EventTable;
