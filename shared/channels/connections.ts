// Channels and events of the connections area; shared/contract.ts merges every area's table.
import type { ChannelTable, EventTable } from './table';

export const connectionsChannels = {} as const satisfies ChannelTable;

export const connectionsEvents = {} as const satisfies EventTable;
