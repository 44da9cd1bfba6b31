// Channels and events of the journal area; shared/contract.ts merges every area's table.
import type { ChannelTable, EventTable } from './table';

export const journalChannels = {} as const satisfies ChannelTable;

export const journalEvents = {} as const satisfies EventTable;
