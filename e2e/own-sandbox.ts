// A sandbox of the spec's own, started once per file, so the keys a test pastes are ones the
// app under test never saw before. Call `useOwnSandbox()` at the top of a spec file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../electron/sandbox';
import { test } from './fixtures';

export type MintedCredentials = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
};

export function useOwnSandbox(): {
  /** The sandbox's endpoint URL (available once the file's tests run). */
  endpoint: () => string;
  /** Mints credentials through the sandbox's admin API (`POST /_sandbox/credentials`). */
  mint: (body: Record<string, unknown>) => Promise<MintedCredentials>;
  /** Any admin call, e.g. `PUT /_sandbox/behaviour`; fails the test on a non-2xx answer. */
  admin: (method: string, path: string, body?: unknown) => Promise<unknown>;
} {
  let sandbox: RunningSandbox | undefined;
  let sandboxDir: string | undefined;

  test.beforeAll(async () => {
    sandboxDir = await mkdtemp(join(tmpdir(), 'meterdesk-e2e-sandbox-'));
    sandbox = await startSandbox({ dataDir: sandboxDir, port: 0, rateLimits: false });
  });

  test.afterAll(async () => {
    await sandbox?.close();
    if (sandboxDir) await rm(sandboxDir, { recursive: true, force: true, maxRetries: 3 });
  });

  const running = (): RunningSandbox => {
    if (!sandbox) throw new Error('useOwnSandbox: the sandbox has not started.');
    return sandbox;
  };

  const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const { endpoint, adminToken } = running();
    const response = await fetch(`${endpoint}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer: unknown = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(answer)}`);
    return answer;
  };

  return {
    endpoint: () => running().endpoint,
    mint: async (body) => (await admin('POST', '/_sandbox/credentials', body)) as MintedCredentials,
    admin,
  };
}
