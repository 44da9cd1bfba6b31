import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../shared/contract';
import { createConfStore } from '../adapters/storage/conf-store';
import { createMemoryStore } from '../adapters/storage/memory-store';
import { createSettingsService } from './settings';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0))
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
});

describe('settings service', () => {
  it('starts from the defaults', () => {
    expect(createSettingsService(createMemoryStore()).get()).toEqual(defaultSettings);
  });

  it('merges a patch, persists it and reports the change', () => {
    const store = createMemoryStore();
    const changes: Settings[] = [];
    const settings = createSettingsService(store, (next) => changes.push(next));
    const next = settings.set({ theme: 'dark' });
    expect(next.theme).toBe('dark');
    expect(changes).toEqual([next]);
    expect(createSettingsService(store).get().theme).toBe('dark');
  });

  it('keeps valid stored fields and drops a damaged one', () => {
    const store = createMemoryStore({
      settings: { theme: 'neon', tableColumns: { audit: ['eventTime'] } },
    });
    const settings = createSettingsService(store).get();
    expect(settings.theme).toBe('system');
    expect(settings.tableColumns).toEqual({ audit: ['eventTime'] });
  });

  it('survives a restart through conf on disk', () => {
    const folder = mkdtempSync(join(tmpdir(), 'meterdesk-settings-'));
    folders.push(folder);
    createSettingsService(createConfStore(folder, 'settings')).set({ theme: 'light' });
    expect(createSettingsService(createConfStore(folder, 'settings')).get().theme).toBe('light');
  });
});
