// Property: whatever a caller sends — any channel name, any JSON body — the router answers with a
// Result and never throws. Checked against the real core (every area's real handlers, the
// built-in sandbox, a temporary data folder), so a handler that throws on some input it accepted
// would surface here too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../shared/contract';
import { createMemoryStore } from '../adapters/storage/memory-store';
import { startCore, type Core } from '../main/core';
import { pinnedClock } from '../testing/time';
import { createMemoryLogger } from './logger';

const SEED = 20261126;
const channels = Object.keys(contract);

let core: Core;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-router-property-'));
  core = await startCore({
    host: 'browser',
    dataDir,
    settingsStore: createMemoryStore(),
    logger: createMemoryLogger(),
    sandboxHistoryEvents: 0,
    now: pinnedClock().now,
  });
});

afterAll(async () => {
  await core.close();
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
});

/** A call's answer is a Result: { ok: true, value } or { ok: false, error: { code, message } }. */
function isResult(answer: unknown): boolean {
  if (typeof answer !== 'object' || answer === null) return false;
  const shape = answer as {
    ok?: unknown;
    value?: unknown;
    error?: { code?: unknown; message?: unknown };
  };
  if (shape.ok === true) return 'value' in shape;
  return (
    shape.ok === false &&
    typeof shape.error?.code === 'string' &&
    typeof shape.error.message === 'string'
  );
}

/** Bodies a script or a broken client might send: any JSON, and objects with odd members. */
const bodies = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
  fc.constant(undefined),
);

describe('router property', () => {
  it('any JSON body to any contract channel gives a Result and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...channels), bodies, async (channel, body) => {
        const answer: unknown = await core.router.call(channel, body, { host: 'test' });
        expect(isResult(answer)).toBe(true);
        // Input the schema accepted must never crash a handler into "Something went wrong".
        expect(answer, `${channel} ${JSON.stringify(body)}`).not.toMatchObject({
          error: { code: 'INTERNAL' },
        });
      }),
      { seed: SEED, numRuns: channels.length * 20 },
    );
  }, 120_000);

  it('any channel name gives a Result, UNKNOWN_CHANNEL for names outside the contract', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), bodies, async (name, body) => {
        const answer = await core.router.call(name, body, { host: 'test' });
        expect(isResult(answer)).toBe(true);
        if (!(name in contract)) {
          expect(answer).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
