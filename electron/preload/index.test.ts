import { describe, expect, it, vi } from 'vitest';
import { channelNames } from '../../shared/contract';

const exposed: [string, unknown][] = [];
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]),
  },
  ipcRenderer: {
    invoke: () => Promise.resolve(undefined),
    on: () => undefined,
    removeListener: () => undefined,
  },
}));

describe('preload entry', () => {
  it('exposes exactly one object, window.meterdesk, built from the contract', async () => {
    await import('./index');
    expect(exposed).toHaveLength(1);
    const [key, api] = exposed[0] ?? [];
    expect(key).toBe('meterdesk');
    expect(Object.keys(api as object).sort()).toEqual([...channelNames, 'on'].sort());
  });
});
