import { describe, expect, it, vi } from 'vitest';
import { channelNames, defaultSettings } from '../../shared/contract';
import { IPC_EVENT_CHANNEL, ipcChannelFor } from '../hosts/ipc-names';
import { buildBridge, type IpcRendererLike } from './bridge';

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpcRenderer() {
  const listeners = new Map<string, Set<Listener>>();
  const ipc = {
    invoke: vi.fn((channel: string, ...args: unknown[]): Promise<unknown> =>
      Promise.resolve({ ok: true, value: { channel, args } }),
    ),
    on: (channel: string, listener: Listener) => {
      const set = listeners.get(channel) ?? new Set<Listener>();
      set.add(listener);
      listeners.set(channel, set);
    },
    removeListener: (channel: string, listener: Listener) => {
      listeners.get(channel)?.delete(listener);
    },
  } satisfies IpcRendererLike;
  const emit = (channel: string, message: unknown) => {
    const ipcEvent = { sender: 'SECRET-IPC-EVENT' };
    for (const listener of listeners.get(channel) ?? []) listener(ipcEvent, message);
  };
  const count = (channel: string) => listeners.get(channel)?.size ?? 0;
  return { ipc, emit, count };
}

describe('preload bridge', () => {
  it('has exactly one function per channel plus on, and nothing else', () => {
    const bridge = buildBridge(fakeIpcRenderer().ipc);
    expect(Object.keys(bridge).sort()).toEqual([...channelNames, 'on'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(bridge).not.toHaveProperty('invoke');
    expect(bridge).not.toHaveProperty('ipcRenderer');
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('invokes the channel own IPC name with the input, {} when absent', async () => {
    const { ipc } = fakeIpcRenderer();
    const bridge = buildBridge(ipc);
    await bridge['settings:set']({ theme: 'dark' });
    expect(ipc.invoke).toHaveBeenLastCalledWith(ipcChannelFor('settings:set'), { theme: 'dark' });
    const call = bridge['app:info'] as (input?: unknown) => Promise<unknown>;
    await call();
    expect(ipc.invoke).toHaveBeenLastCalledWith(ipcChannelFor('app:info'), {});
    for (const channel of channelNames) {
      await (bridge[channel] as (input?: unknown) => Promise<unknown>)({});
      expect(ipc.invoke).toHaveBeenLastCalledWith(`meterdesk:call:${channel}`, {});
    }
  });

  it('on delivers only the payload of the named event and unsubscribes', () => {
    const { ipc, emit, count } = fakeIpcRenderer();
    const bridge = buildBridge(ipc);
    const listener = vi.fn();
    const unsubscribe = bridge.on('settings:changed', listener);

    emit(IPC_EVENT_CHANNEL, { event: 'settings:changed', payload: defaultSettings });
    expect(listener).toHaveBeenCalledExactlyOnceWith(defaultSettings);

    emit(IPC_EVENT_CHANNEL, { event: 'task:progress', payload: {} });
    emit(IPC_EVENT_CHANNEL, { event: 'no:such-event', payload: {} });
    emit(IPC_EVENT_CHANNEL, 'garbage');
    emit(IPC_EVENT_CHANNEL, null);
    emit('some-other-channel', { event: 'settings:changed', payload: {} });
    expect(listener).toHaveBeenCalledOnce();

    expect(count(IPC_EVENT_CHANNEL)).toBe(1);
    unsubscribe();
    unsubscribe();
    expect(count(IPC_EVENT_CHANNEL)).toBe(0);
    emit(IPC_EVENT_CHANNEL, { event: 'settings:changed', payload: defaultSettings });
    expect(listener).toHaveBeenCalledOnce();
  });

  it('refuses to subscribe to an unknown event', () => {
    const bridge = buildBridge(fakeIpcRenderer().ipc);
    const on = bridge.on as (event: string, listener: () => void) => () => void;
    expect(() => on('no:such-event', () => undefined)).toThrow(/Unknown event/);
  });
});
