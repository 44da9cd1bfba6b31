import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSettingsService } from '../../services/settings';
import { defaultSettings } from '../../../shared/contract';
import { createConfStore } from './conf-store';
import { setAsideDamagedSettings } from './settings-file';

let dataDir: string;
const now = () => Date.parse('2026-07-01T14:32:05.123Z');

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-settings-file-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
});

describe('a damaged settings.json', () => {
  it('makes conf throw at start, which used to end the app', () => {
    writeFileSync(join(dataDir, 'settings.json'), '{"settings": {"theme": "da');
    expect(() => createSettingsService(createConfStore(dataDir, 'settings')).get()).toThrow(
      SyntaxError,
    );
  });

  it.each([
    ['truncated JSON', '{"settings": {"theme": "da'],
    ['an empty file', ''],
    ['zero bytes from a crash', '\u0000\u0000\u0000'],
    ['JSON that is not an object', '[1, 2, 3]'],
  ])('is set aside when it holds %s, and start-up goes on with defaults', (_what, content) => {
    const path = join(dataDir, 'settings.json');
    writeFileSync(path, content);
    const notice = setAsideDamagedSettings(dataDir, 'settings', now);
    expect(notice).toMatchObject({ kind: 'settings-reset' });
    expect(notice?.message).toMatch(/could not be read.*default settings/);
    expect(notice?.movedTo).toBe(`${path}.corrupt-2026-07-01T14-32-05-123Z`);
    expect(existsSync(path)).toBe(false);
    expect(readFileSync(notice?.movedTo ?? '', 'utf8')).toBe(content);
    const settings = createSettingsService(createConfStore(dataDir, 'settings'));
    expect(settings.get()).toEqual(defaultSettings);
  });

  it('leaves a healthy or missing file alone', () => {
    expect(setAsideDamagedSettings(dataDir, 'settings', now)).toBeNull();
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ settings: { theme: 'dark' } }));
    expect(setAsideDamagedSettings(dataDir, 'settings', now)).toBeNull();
    expect(readdirSync(dataDir)).toEqual(['settings.json']);
  });
});
