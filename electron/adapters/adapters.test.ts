import { describe, expect, it } from 'vitest';
import { defaultDataFolder, readFlag } from './paths';

describe('paths', () => {
  it('puts data where Electron keeps userData on each platform', () => {
    expect(defaultDataFolder({}, 'linux', '/home/ana')).toBe('/home/ana/.config/Meterdesk');
    expect(defaultDataFolder({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/ana')).toBe('/x/Meterdesk');
    expect(defaultDataFolder({}, 'darwin', '/Users/ana')).toBe(
      '/Users/ana/Library/Application Support/Meterdesk',
    );
  });

  it('reads flags in both spellings', () => {
    expect(readFlag(['--port', '8080'], 'port')).toBe('8080');
    expect(readFlag(['--data=/tmp/d'], 'data')).toBe('/tmp/d');
    expect(readFlag(['--browser'], 'port')).toBeUndefined();
  });
});
