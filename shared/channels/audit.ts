// Channels and events of the audit area; shared/contract.ts merges every area's table.
import type { ChannelTable, EventTable } from './table';

export const auditChannels = {} as const satisfies ChannelTable;

export const auditEvents = {} as const satisfies EventTable;
