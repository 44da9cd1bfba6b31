// The browser host's bridge against the real host: every failure comes back as a Result with
// words for the user (a refused token, a host that is gone, an answer that is not ours), the
// token is taken out of the address, and the event stream comes back after the connection drops.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';

const TOKEN_KEY = 'meterdesk.sessionToken';
const live = inject('liveCore');
const nodeFetch = globalThis.fetch;
let origin = live.origin;

/** Node's fetch takes only Node's AbortSignal; jsdom's is bridged onto one. */
function nodeSignal(signal: AbortSignal | null | undefined): AbortSignal | undefined {
  if (!signal) return undefined;
  const controller = new AbortController();
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', () => controller.abort(), { once: true });
  return controller.signal;
}

// Page-relative URLs go to whichever host the test points the page at.
globalThis.fetch = (input, init) =>
  nodeFetch(typeof input === 'string' && input.startsWith('/') ? `${origin}${input}` : input, {
    ...init,
    signal: nodeSignal(init?.signal),
  });

type Bridge = typeof import('./bridge');

/** A fresh bridge module, as a freshly loaded page has. */
async function freshBridge(token: string | null): Promise<Bridge> {
  vi.resetModules();
  if (token === null) window.sessionStorage.removeItem(TOKEN_KEY);
  else window.sessionStorage.setItem(TOKEN_KEY, token);
  return import('./bridge');
}

const servers: Server[] = [];
async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

beforeEach(() => {
  origin = live.origin;
  window.location.hash = '';
});

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('calls through the browser host', () => {
  it('answers with the core’s value when the token is right', async () => {
    const { callChannel } = await freshBridge(live.token);
    const info = await callChannel('app:info', {});
    expect(info.ok && info.value.activeConnection?.isSandbox).toBe(true);
  });

  it('takes the token out of the address and keeps it for this tab', async () => {
    window.sessionStorage.removeItem(TOKEN_KEY);
    window.location.hash = `#/audit?token=${encodeURIComponent(live.token)}&tab=query`;
    vi.resetModules();
    const { callChannel } = await import('./bridge');
    const info = await callChannel('app:info', {});
    expect(info.ok).toBe(true);
    expect(window.location.hash).toBe('#/audit?tab=query');
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBe(live.token);
  });

  it('says what to do when the host refuses the token', async () => {
    const { callChannel } = await freshBridge('not-the-token');
    const result = await callChannel('app:info', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('UNAUTHORIZED');
    expect(result.error.hint).toMatch(/Open the address the host printed/);
  });

  it('says the host cannot be reached when it has closed', async () => {
    const gone = createServer();
    origin = await listen(gone);
    servers.splice(servers.indexOf(gone), 1);
    gone.closeAllConnections();
    await new Promise((resolve) => gone.close(resolve));
    const { callChannel } = await freshBridge(live.token);
    const result = await callChannel('app:info', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('NETWORK');
    expect(result.error.message).toBe('Could not reach the Meterdesk host.');
    expect(result.error.retryable).toBe(true);
  });

  it('says so when an answer is not JSON or not in the bridge’s shape', async () => {
    const notOurs = createServer((req, res) => {
      if (req.url?.includes('app:info')) {
        res.writeHead(502, { 'Content-Type': 'text/html' }).end('<h1>Bad gateway</h1>');
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"answer":42}');
      }
    });
    origin = await listen(notOurs);
    const { callChannel } = await freshBridge(live.token);
    const html = await callChannel('app:info', {});
    expect(!html.ok && html.error.message).toBe(
      'The Meterdesk host gave an answer that is not JSON (HTTP 502).',
    );
    const shape = await callChannel('settings:get', {});
    expect(!shape.ok && shape.error.message).toBe(
      'The Meterdesk host gave an answer in an unexpected shape (HTTP 200).',
    );
  });
});

describe('the event stream', () => {
  it('delivers events, and delivers them again after the connection to the host drops', async () => {
    // A pass-through in front of the real host, whose connections the test can cut.
    const proxy = createServer((req, res) => {
      const upstream = httpRequest(
        `${live.origin}${req.url ?? '/'}`,
        { method: req.method, headers: { ...req.headers, host: new URL(live.origin).host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    origin = await listen(proxy);
    const { subscribe, callChannel } = await freshBridge(live.token);
    const seen: string[] = [];
    const unsubscribe = subscribe('connections:changed', (payload) => seen.push(payload.reason));

    const touchConnections = async (name: string): Promise<void> => {
      const added = await callChannel('connections:add', {
        name,
        region: 'us-east-1',
        source: {
          kind: 'keys',
          accessKeyId: 'AKIAEXAMPLE00BRIDGE1',
          secretAccessKey: 'bridge-test-secret-not-real-0000000000000',
          storage: 'session',
        },
      });
      if (!added.ok) throw new Error(added.error.message);
      await callChannel('connections:remove', { id: added.value.id });
    };

    // The stream is open once an event arrives.
    await vi.waitFor(
      async () => {
        await touchConnections('Bridge stream 1');
        expect(seen.length).toBeGreaterThan(0);
      },
      { timeout: 15_000, interval: 300 },
    );
    const before = seen.length;
    proxy.closeAllConnections();
    await vi.waitFor(
      async () => {
        await touchConnections('Bridge stream 2');
        expect(seen.length).toBeGreaterThan(before);
      },
      { timeout: 15_000, interval: 500 },
    );
    expect(seen.every((reason) => reason === 'connections')).toBe(true);
    unsubscribe();
  });
});
