// Channels and events of the customers area; shared/contract.ts merges every area's table.
import type { ChannelTable, EventTable } from './table';

export const customersChannels = {} as const satisfies ChannelTable;

export const customersEvents = {} as const satisfies EventTable;
