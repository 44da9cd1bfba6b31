import { describe, expect, it, vi } from 'vitest';
import { channelNames, defaultSettings, type Settings } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { createEventBus } from '../core/event-bus';
import { createMemoryLogger } from '../core/logger';
import { createRouter, type Handlers } from '../core/router';
import {
  startIpcHost,
  type IpcInvokeEventLike,
  type IpcMainLike,
  type RendererContentsLike,
} from './ipc';
import { IPC_EVENT_CHANNEL, ipcChannelFor } from './ipc-names';

type Listener = Parameters<IpcMainLike['handle']>[1];

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => handlers.delete(channel),
  };
  return { ipcMain, handlers };
}

function fakeContents(url = 'app://meterdesk/') {
  const sent: unknown[][] = [];
  const contents: RendererContentsLike & { url: string; destroyed: boolean } = {
    url,
    destroyed: false,
    isDestroyed: () => contents.destroyed,
    getURL: () => contents.url,
    send: (...args) => sent.push(args),
  };
  return { contents, sent };
}

function setup() {
  let settings: Settings = { ...defaultSettings };
  const handlers: Pick<Handlers, 'settings:get' | 'settings:set'> = {
    'settings:get': vi.fn(() => settings),
    'settings:set': vi.fn((patch: Partial<Settings>) => (settings = { ...settings, ...patch })),
  };
  const router = createRouter(handlers as Handlers, createMemoryLogger());
  const bus = createEventBus();
  const { ipcMain, handlers: registered } = fakeIpcMain();
  const window = fakeContents();
  const windows: RendererContentsLike[] = [window.contents];
  const logger = createMemoryLogger();
  const host = startIpcHost({ ipcMain, router, bus, getWebContents: () => windows, logger });
  const invoke = (channel: string, event: IpcInvokeEventLike, input?: unknown) => {
    const listener = registered.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener(event, input) as Promise<Result<unknown>>;
  };
  const trusted = (): IpcInvokeEventLike => ({
    senderFrame: { url: 'app://meterdesk/index.html', parent: null },
    sender: window.contents,
  });
  return { handlers, bus, registered, window, windows, logger, host, invoke, trusted };
}

describe('IPC host', () => {
  it('registers exactly one handler per contract channel', () => {
    const { registered } = setup();
    expect([...registered.keys()].sort()).toEqual(channelNames.map(ipcChannelFor).sort());
  });

  it('hands a trusted call to the router and returns its Result as-is', async () => {
    const { invoke, trusted, handlers } = setup();
    const result = await invoke(ipcChannelFor('settings:set'), trusted(), { theme: 'dark' });
    expect(result).toEqual({ ok: true, value: { ...defaultSettings, theme: 'dark' } });
    expect(handlers['settings:set']).toHaveBeenCalledWith({ theme: 'dark' }, { host: 'electron' });

    const invalid = await invoke(ipcChannelFor('settings:set'), trusted(), { theme: 'neon' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it.each<[string, (base: IpcInvokeEventLike) => IpcInvokeEventLike]>([
    ['a sub-frame', (base) => ({ ...base, senderFrame: { url: 'app://meterdesk/', parent: {} } })],
    [
      'another origin',
      (base) => ({ ...base, senderFrame: { url: 'https://evil.example/', parent: null } }),
    ],
    [
      'another app:// host',
      (base) => ({ ...base, senderFrame: { url: 'app://evil/', parent: null } }),
    ],
    ['a file:// page', (base) => ({ ...base, senderFrame: { url: 'file:///x', parent: null } })],
    ['a destroyed frame', (base) => ({ ...base, senderFrame: null })],
    ['a webContents that is not ours', (base) => ({ ...base, sender: fakeContents().contents })],
  ])('refuses %s with a Result error, never reaching the router', async (_name, mutate) => {
    const { invoke, trusted, handlers, logger } = setup();
    const result = await invoke(ipcChannelFor('settings:set'), mutate(trusted()), {
      theme: 'dark',
    });
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(handlers['settings:set']).not.toHaveBeenCalled();
    expect(logger.lines.some((line) => line.includes('refused a call'))).toBe(true);
  });

  it('never throws, even for a malformed event', async () => {
    const { registered } = setup();
    const listener = registered.get(ipcChannelFor('settings:get'));
    const broken = {
      get senderFrame(): never {
        throw new Error('frame disposed');
      },
      sender: null,
    };
    await expect(listener?.(broken, {})).resolves.toMatchObject({ ok: false });
  });

  it('forwards bus events to app windows only, as { event, payload }', () => {
    const { bus, window, windows } = setup();
    const foreign = fakeContents('https://evil.example/');
    const gone = fakeContents();
    gone.contents.destroyed = true;
    windows.push(foreign.contents, gone.contents);
    bus.emit('settings:changed', defaultSettings);
    expect(window.sent).toEqual([
      [IPC_EVENT_CHANNEL, { event: 'settings:changed', payload: defaultSettings }],
    ]);
    expect(foreign.sent).toEqual([]);
    expect(gone.sent).toEqual([]);
  });

  it('dispose removes every handler and stops forwarding', () => {
    const { host, registered, bus, window } = setup();
    host.dispose();
    expect(registered.size).toBe(0);
    bus.emit('settings:changed', defaultSettings);
    expect(window.sent).toEqual([]);
  });
});
