import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { createMemoryLogger } from './logger';
import { createRouter, type Handlers } from './router';

type CoreHandlers = Pick<Handlers, 'app:info' | 'settings:get' | 'settings:set'>;

// The router is exercised through three channels; the other areas' handlers are never called.
function handlers(overrides: Partial<CoreHandlers> = {}): Handlers {
  const core: CoreHandlers = {
    'app:info': () => ({
      name: 'Meterdesk',
      version: '0.0.0',
      dataFolder: '/tmp/x',
      host: 'browser',
      platform: 'linux',
      activeConnection: null,
    }),
    'settings:get': () => defaultSettings,
    'settings:set': (patch) => ({ ...defaultSettings, ...patch }),
    ...overrides,
  };
  return core as Handlers;
}

describe('router', () => {
  it('answers an unknown channel with UNKNOWN_CHANNEL instead of throwing', async () => {
    const router = createRouter(handlers(), createMemoryLogger());
    const result = await router.call('metering:nuke', {}, { host: 'test' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL', message: 'Unknown channel "metering:nuke"' },
    });
  });

  it('rejects input that fails the schema with VALIDATION and the field path', async () => {
    let called = false;
    const router = createRouter(
      handlers({
        'settings:set': () => {
          called = true;
          return defaultSettings;
        },
      }),
      createMemoryLogger(),
    );
    const result = await router.call(
      'settings:set',
      { tableColumns: { audit: ['a', 42] } },
      { host: 'test' },
    );
    expect(called).toBe(false);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('VALIDATION');
    expect(result.error.message).toMatch(/^tableColumns\.audit\.\[1\]: /);
    expect(result.error.details).toEqual({
      issues: [expect.objectContaining({ path: 'tableColumns.audit.[1]' })],
    });
  });

  it('rejects unknown fields (strict schemas) so typos cannot pass silently', async () => {
    const router = createRouter(handlers(), createMemoryLogger());
    const result = await router.call('settings:set', { theem: 'dark' }, { host: 'test' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('VALIDATION');
  });

  it('turns a throwing service into INTERNAL with no stack trace in the answer', async () => {
    const logger = createMemoryLogger();
    const router = createRouter(
      handlers({
        'settings:get': () => {
          throw new Error('disk on fire at /secret/path');
        },
      }),
      logger,
    );
    const result = await router.call('settings:get', {}, { host: 'test' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INTERNAL');
    const answer = JSON.stringify(result);
    expect(answer).not.toContain('disk on fire');
    expect(answer).not.toContain('at ');
    expect(logger.lines.join('\n')).toContain('disk on fire');
  });

  it('passes an AppError through with its code and hint', async () => {
    const router = createRouter(
      handlers({
        'settings:get': () => {
          throw new AppError('CREDENTIALS_EXPIRED', 'The SSO session has expired.', {
            hint: 'Run aws sso login --profile dev',
            retryable: true,
          });
        },
      }),
      createMemoryLogger(),
    );
    const result = await router.call('settings:get', {}, { host: 'test' });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'CREDENTIALS_EXPIRED',
        message: 'The SSO session has expired.',
        hint: 'Run aws sso login --profile dev',
        retryable: true,
      },
    });
  });

  it('returns the validated value on success, and catches output that breaks the contract', async () => {
    const good = createRouter(handlers(), createMemoryLogger());
    expect(await good.call('settings:get', {}, { host: 'test' })).toEqual({
      ok: true,
      value: defaultSettings,
    });
    const bad = createRouter(
      handlers({ 'settings:get': () => ({ theme: 'purple' }) as never }),
      createMemoryLogger(),
    );
    const result = await bad.call('settings:get', {}, { host: 'test' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INTERNAL');
  });

  it('treats a missing body as empty input', async () => {
    const router = createRouter(handlers(), createMemoryLogger());
    const result = await router.call('settings:get', undefined, { host: 'test' });
    expect(result.ok).toBe(true);
  });

  it('refuses null as input with VALIDATION, even on a channel that takes nothing', async () => {
    const router = createRouter(handlers(), createMemoryLogger());
    for (const channel of ['settings:get', 'settings:set', 'metering:import-csv']) {
      const result = await router.call(channel, null, { host: 'test' });
      expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
  });
});
