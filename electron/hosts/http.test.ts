import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { channelNames, defaultSettings, eventNames, type Settings } from '../../shared/contract';
import { CONTENT_SECURITY_POLICY } from '../app/csp';
import { createEventBus, type EventBus } from '../core/event-bus';
import { createMemoryLogger } from '../core/logger';
import { createRouter, type Handlers } from '../core/router';
import { startHttpHost, type HttpHost } from './http';

type Reply = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
};

type RequestOptions = {
  method?: string;
  path?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer | Buffer[];
};

let root: string;
let host: HttpHost;
let bus: EventBus;
let subscribers = 0;
const logger = createMemoryLogger();
const MAX_BODY = 4096;

/** Raw node:http so paths reach the server exactly as written (fetch would normalise "..") */
function send(options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: host.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    const body = options.body;
    if (Array.isArray(body)) for (const chunk of body) req.write(chunk);
    else if (body !== undefined) req.write(body);
    req.end();
  });
}

const auth = (): OutgoingHttpHeaders => ({ authorization: `Bearer ${host.token}` });

function call(channel: string, body?: string, headers: OutgoingHttpHeaders = {}) {
  return send({
    method: 'POST',
    path: `/api/${channel}`,
    headers: { ...auth(), 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'meterdesk-http-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Meterdesk</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {};');
  writeFileSync(join(root, 'package.json'), '{"name":"TOPSECRET"}');
  writeFileSync(join(root, 'secret.txt'), 'TOPSECRET');

  let settings: Settings = { ...defaultSettings };
  const handlers: Pick<Handlers, 'settings:get' | 'settings:set'> = {
    'settings:get': () => settings,
    'settings:set': (patch) => (settings = { ...settings, ...patch }),
  };
  const router = createRouter(handlers as Handlers, logger);
  const realBus = createEventBus();
  // Counts live subscriptions so the SSE test can see the stream unsubscribe on close.
  bus = {
    emit: realBus.emit,
    subscribe: (listener) => {
      subscribers += 1;
      const off = realBus.subscribe(listener);
      return () => {
        subscribers -= 1;
        off();
      };
    },
  };
  host = await startHttpHost({
    router,
    bus,
    rendererDir,
    port: 0,
    limits: { maxBodyBytes: MAX_BODY },
    heartbeatMs: 100,
    logger,
  });
});

afterAll(async () => {
  await host.close();
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});

describe('browser host: binding', () => {
  it('listens on 127.0.0.1 only and reports its URL', () => {
    const address = host.server.address() as AddressInfo;
    expect(address.address).toBe('127.0.0.1');
    expect(address.family).toBe('IPv4');
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('cannot be reached through a non-loopback address of this machine', async (ctx) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((info) => info !== undefined && info.family === 'IPv4' && !info.internal);
    if (!external) {
      const reason = 'this machine has no non-loopback IPv4 interface to try';
      console.info(`skipped: ${reason}`);
      return ctx.skip(reason);
    }
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: external.address, port: host.port });
      socket.setTimeout(2000, () => {
        socket.destroy();
        resolve('timeout');
      });
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(outcome).not.toBe('connected');
  });

  it('never logs the token', () => {
    expect(logger.lines.join('\n')).not.toContain(host.token);
  });
});

describe('browser host: API security', () => {
  it('answers 401 without a token', async () => {
    const reply = await send({ method: 'POST', path: '/api/settings:get', body: '{}' });
    expect(reply.status).toBe(401);
    expect(reply.headers['content-type']).toContain('application/json');
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect((await send({ path: '/api/channels' })).status).toBe(401);
    expect((await send({ path: '/api/events' })).status).toBe(401);
  });

  it.each([
    ['a wrong token', () => 'Bearer wrong-token-of-some-length'],
    ['a token one character off', () => `Bearer ${host.token.slice(0, -1)}x`],
    ['the token with a prefix', () => `Bearer x${host.token}`],
    ['another scheme', () => `Basic ${host.token}`],
    ['the bare token', () => host.token],
  ])('answers 401 for %s', async (_name, header) => {
    const reply = await call('settings:get', '{}', { authorization: header() });
    expect(reply.status).toBe(401);
  });

  it.each(['evil.example', `evil.example:${String(0)}`, '127.0.0.1', '127.0.0.1:1', 'localhost'])(
    'refuses the Host header %s, on static files too',
    async (hostHeader) => {
      const value = hostHeader.endsWith(':0') ? `evil.example:${host.port}` : hostHeader;
      expect((await call('settings:get', '{}', { host: value })).status).toBe(421);
      expect((await send({ path: '/', headers: { host: value } })).status).toBe(421);
    },
  );

  it('accepts localhost:PORT as Host', async () => {
    const reply = await call('settings:get', '{}', { host: `localhost:${host.port}` });
    expect(reply.status).toBe(200);
  });

  it('refuses a foreign Origin and never sends CORS headers', async () => {
    for (const origin of ['https://evil.example', 'null', `http://localhost:${host.port + 1}`]) {
      const reply = await call('settings:get', '{}', { origin });
      expect(reply.status).toBe(403);
      expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    }
    const same = await call('settings:get', '{}', { origin: `http://127.0.0.1:${host.port}` });
    expect(same.status).toBe(200);
    expect(same.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await send({
      method: 'OPTIONS',
      path: '/api/settings:get',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses cross-site fetches even with the token', async () => {
    const reply = await call('settings:get', '{}', { 'sec-fetch-site': 'cross-site' });
    expect(reply.status).toBe(403);
  });

  it('answers 413 for a body whose Content-Length is too large', async () => {
    const reply = await call('settings:set', 'x'.repeat(MAX_BODY + 1));
    expect(reply.status).toBe(413);
  });

  it('answers 413 from the declared Content-Length alone, before any body arrives', async () => {
    // A raw socket that announces 100 MB and sends nothing: only the header check can answer.
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: host.port });
      let text = '';
      socket.setTimeout(3000, () => {
        socket.destroy();
        reject(new Error(`no answer; got ${JSON.stringify(text)}`));
      });
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      socket.write(
        `POST /api/settings:set HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n` +
          `Authorization: Bearer ${host.token}\r\nContent-Type: application/json\r\n` +
          'Content-Length: 100000000\r\n\r\n',
      );
    });
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
  });

  it('answers 413 for a chunked body that grows too large while streaming', async () => {
    const chunk = Buffer.alloc(1024, 0x20);
    const reply = await send({
      method: 'POST',
      path: '/api/settings:set',
      headers: { ...auth(), 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: Array.from({ length: 6 }, () => chunk),
    });
    expect(reply.status).toBe(413);
  });

  it('accepts a body just under the limit', async () => {
    const body = JSON.stringify({ theme: 'dark' }).padEnd(MAX_BODY, ' ');
    expect((await call('settings:set', body)).status).toBe(200);
  });
});

describe('browser host: calls', () => {
  it('returns the Result of a valid call', async () => {
    const reply = await call('settings:set', JSON.stringify({ theme: 'light' }));
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(reply.body)).toEqual({
      ok: true,
      value: { ...defaultSettings, theme: 'light' },
    });
  });

  it('treats an empty body as {}', async () => {
    const reply = await call('settings:get');
    expect(JSON.parse(reply.body)).toMatchObject({ ok: true });
  });

  it('returns a VALIDATION Result carrying the field path, with HTTP 200', async () => {
    const reply = await call('settings:set', JSON.stringify({ theme: 'neon' }));
    expect(reply.status).toBe(200);
    const result = JSON.parse(reply.body) as {
      ok: boolean;
      error: { code: string; details: { issues: { path: string }[] } };
    };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('VALIDATION');
    expect(result.error.details.issues[0]?.path).toBe('theme');
  });

  it('answers a null body with a VALIDATION Result, not as empty input', async () => {
    const reply = await call('settings:get', 'null');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('answers invalid JSON with a VALIDATION Result and 400', async () => {
    const reply = await call('settings:set', '{"theme":');
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('answers an unknown channel with UNKNOWN_CHANNEL and 404', async () => {
    const reply = await call('nope:nothing', '{}');
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body)).toMatchObject({ error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('answers GET on a channel with 405', async () => {
    expect((await send({ path: '/api/settings:get', headers: auth() })).status).toBe(405);
  });

  it('lists every channel and event with JSON Schemas', async () => {
    const reply = await send({ path: '/api/channels', headers: auth() });
    expect(reply.status).toBe(200);
    const listing = JSON.parse(reply.body) as {
      channels: { name: string; input: Record<string, unknown>; output: Record<string, unknown> }[];
      events: { name: string; payload: Record<string, unknown> }[];
    };
    expect(listing.channels.map((c) => c.name).sort()).toEqual([...channelNames].sort());
    expect(listing.events.map((e) => e.name).sort()).toEqual([...eventNames].sort());
    for (const channel of listing.channels) {
      expect(channel.input.type).toBe('object');
      expect(channel.output).toHaveProperty('$schema');
    }
    const set = listing.channels.find((c) => c.name === 'settings:set');
    expect(set?.input).toMatchObject({
      additionalProperties: false,
      properties: { theme: { enum: ['system', 'light', 'dark'] } },
    });
    const progress = listing.events.find((e) => e.name === 'task:progress');
    expect(progress?.payload).toMatchObject({ type: 'object', properties: { taskId: {} } });
  });
});

describe('browser host: events', () => {
  it('streams bus events as SSE with heartbeats and unsubscribes on close', async () => {
    const before = subscribers;
    const received = await new Promise<{ type: string; text: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: host.port, path: '/api/events', headers: auth() },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            if (text.includes(': connected')) {
              bus.emit('settings:changed', { ...defaultSettings, theme: 'dark' });
            }
            if (text.includes('data: ') && text.includes(': heartbeat')) {
              req.destroy();
              resolve({ type: res.headers['content-type'] ?? '', text });
            }
          });
        },
      );
      req.on('error', (error) => {
        if (!req.destroyed) reject(error);
      });
      req.end();
    });
    expect(received.type).toContain('text/event-stream');
    const line = received.text.split('\n').find((l) => l.startsWith('data: '));
    expect(JSON.parse(line?.slice('data: '.length) ?? '')).toEqual({
      event: 'settings:changed',
      payload: { ...defaultSettings, theme: 'dark' },
    });
    await vi.waitFor(() => expect(subscribers).toBe(before));
  });
});

describe('browser host: static files', () => {
  it('serves index.html with the CSP and hardening headers', async () => {
    const reply = await send({ path: '/' });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<title>Meterdesk</title>');
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'x-frame-options': 'DENY',
    });
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves assets with their content type, without a token', async () => {
    const reply = await send({ path: '/assets/app.js?v=1' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it.each([
    '/../package.json',
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/package.json',
    '/%2E%2E%2Fpackage.json',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/%252e%252e/secret.txt',
    '/..\\secret.txt',
    '/%00',
    '/%ff',
  ])('refuses the traversal %s', async (path) => {
    const reply = await send({ path });
    expect([400, 404]).toContain(reply.status);
    expect(reply.body).not.toContain('TOPSECRET');
  });
});
