// Channels and events of the metering area; shared/contract.ts merges every area's table.
import type { ChannelTable, EventTable } from './table';

export const meteringChannels = {} as const satisfies ChannelTable;

export const meteringEvents = {} as const satisfies EventTable;
