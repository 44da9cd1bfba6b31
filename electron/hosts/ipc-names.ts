// IPC channel names shared by the preload and the IPC host. Pure: the preload bundles it.
import type { Channel } from '../../shared/contract';

/** Main → renderer: every bus event, as `{ event, payload }`. */
export const IPC_EVENT_CHANNEL = 'meterdesk:event';

const CALL_PREFIX = 'meterdesk:call:';

/** Renderer → main: one ipcMain.handle per contract channel. */
export function ipcChannelFor(channel: Channel): string {
  return `${CALL_PREFIX}${channel}`;
}
