// Builds `window.meterdesk` from the contract: one function per channel plus `on`. Nothing else
// is exposed: no ipcRenderer, no generic invoke, no process. Pure so tests pass a fake ipcRenderer.
import {
  channelNames,
  isEventName,
  type EventName,
  type EventPayload,
  type MeterdeskBridge,
} from '../../shared/contract';
import { IPC_EVENT_CHANNEL, ipcChannelFor } from '../hosts/ipc-names';

export type IpcRendererLike = {
  invoke: (channel: string, ...args: unknown[]) => Promise<unknown>;
  on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => unknown;
  removeListener: (
    channel: string,
    listener: (event: unknown, ...args: unknown[]) => void,
  ) => unknown;
};

export type ContextBridgeLike = {
  exposeInMainWorld: (apiKey: string, api: unknown) => void;
};

function isMessageFor(message: unknown, event: EventName): message is { payload: unknown } {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { event?: unknown }).event === event
  );
}

export function buildBridge(ipcRenderer: IpcRendererLike): MeterdeskBridge {
  const bridge: Record<string, unknown> = {};
  for (const channel of channelNames) {
    const ipcChannel = ipcChannelFor(channel);
    bridge[channel] = (input?: unknown) => ipcRenderer.invoke(ipcChannel, input ?? {});
  }
  bridge.on = <E extends EventName>(
    event: E,
    listener: (payload: EventPayload<E>) => void,
  ): (() => void) => {
    if (!isEventName(event)) throw new TypeError(`Unknown event "${String(event)}"`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    // The IpcRendererEvent (with its `sender`) never reaches the page: only the payload does.
    const handler = (_ipcEvent: unknown, message: unknown): void => {
      if (isMessageFor(message, event)) listener(message.payload as EventPayload<E>);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  };
  return Object.freeze(bridge) as MeterdeskBridge;
}

/** The preload's whole job. */
export function exposeBridge(contextBridge: ContextBridgeLike, ipcRenderer: IpcRendererLike): void {
  contextBridge.exposeInMainWorld('meterdesk', buildBridge(ipcRenderer));
}
