// Settings: defaults merged with what was stored; a damaged stored value falls back to its default.
import {
  defaultSettings,
  settingsSchema,
  type Settings,
  type settingsPatchSchema,
} from '../../shared/contract';
import type { z } from 'zod';
import type { KeyValueStore } from './ports';

const settingsKey = 'settings';

export type SettingsService = {
  get: () => Settings;
  set: (patch: z.output<typeof settingsPatchSchema>) => Settings;
};

export function createSettingsService(
  store: KeyValueStore,
  onChange: (settings: Settings) => void = () => undefined,
): SettingsService {
  function get(): Settings {
    const stored = store.get(settingsKey);
    const merged: Record<string, unknown> = { ...defaultSettings };
    if (stored !== null && typeof stored === 'object') {
      for (const [key, value] of Object.entries(stored)) {
        const field = settingsSchema.shape[key as keyof Settings] as z.ZodType | undefined;
        // Keep each stored field only if it is still valid, so one bad field cannot reset all.
        if (field?.safeParse(value).success) merged[key] = value;
      }
    }
    return settingsSchema.parse(merged);
  }

  function set(patch: z.output<typeof settingsPatchSchema>): Settings {
    const next = settingsSchema.parse({ ...get(), ...patch });
    store.set(settingsKey, next);
    onChange(next);
    return next;
  }

  return { get, set };
}
