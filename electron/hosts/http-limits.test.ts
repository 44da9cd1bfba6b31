// The browser host's limits, each tested on a live server: timeouts for a slow head and a slow
// body, the connection and event-stream caps, the JSON content type, the per-channel body cap,
// a client that leaves mid-upload, and warnings that cannot flood the log.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { channelNames, defaultSettings } from '../../shared/contract';
import { createEventBus } from '../core/event-bus';
import { createMemoryLogger } from '../core/logger';
import { createRouter, type Handlers } from '../core/router';
import { startHttpHost, type HttpHost } from './http';
import { customersChannels } from '../../shared/channels/customers';
import {
  bodyCapOf,
  DEFAULT_HTTP_LIMITS,
  FILE_PART_CHANNELS,
  type HttpHostLimits,
} from './http-limits';

let root: string;
const open: { close: () => Promise<void> }[] = [];
const sockets: Socket[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'meterdesk-http-limits-'));
  mkdirSync(join(root, 'renderer'));
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>Meterdesk</title>');
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(open.splice(0).map((host) => host.close()));
});

afterAll(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

async function startHost(limits: Partial<HttpHostLimits> = {}, now?: () => number) {
  const logger = createMemoryLogger();
  const handlers: Pick<Handlers, 'settings:get' | 'metering:import-csv'> = {
    'settings:get': () => ({ ...defaultSettings }),
    // Only the size of what reaches the router matters here.
    'metering:import-csv': (input) => {
      throw new Error(`not under test (${String(input.text.length)} characters)`);
    },
  };
  const host = await startHttpHost({
    router: createRouter(handlers as Handlers, logger),
    bus: createEventBus(),
    rendererDir: join(root, 'renderer'),
    limits,
    logger,
    ...(now ? { now } : {}),
  });
  open.push(host);
  return { host, logger };
}

/** A raw socket: the tests decide exactly which bytes arrive and when. */
function rawSocket(host: HttpHost): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: host.port }, () => resolve(socket));
    socket.on('error', reject);
    sockets.push(socket);
  });
}

/** Everything the server writes until it closes the socket, and how long that took. */
function untilClosed(socket: Socket): Promise<{ text: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ text, ms: performance.now() - started }));
  });
}

function head(host: HttpHost, lines: string[]): string {
  return [`Host: 127.0.0.1:${host.port}`, `Authorization: Bearer ${host.token}`, ...lines]
    .map((line) => `${line}\r\n`)
    .join('');
}

function post(host: HttpHost, channel: string, body: string, contentType?: string) {
  return fetch(`${host.url}api/${channel}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${host.token}`,
      ...(contentType === undefined ? {} : { 'content-type': contentType }),
    },
    body,
  });
}

function openEventStream(host: HttpHost): Promise<{ res: IncomingMessage; req: ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: host.port,
        path: '/api/events',
        headers: { authorization: `Bearer ${host.token}` },
      },
      (res) => resolve({ res, req }),
    );
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
}

describe('browser host limits: the defaults', () => {
  it('are 10 s for headers, 30 s per request, 64 connections, 8 event streams, 1 MiB bodies', async () => {
    expect(DEFAULT_HTTP_LIMITS).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxConnections: 64,
      maxEventStreams: 8,
      maxBodyBytes: 1024 * 1024,
      maxFilePartBodyBytes: 8 * 1024 * 1024,
      timeoutCheckIntervalMs: 1_000,
    });
    const { host } = await startHost();
    expect(host.server.headersTimeout).toBe(10_000);
    // The 30 s for the whole request is the body deadline in readBody (the slow-body test below).
    expect(host.server.requestTimeout).toBe(0);
    expect(host.server.maxConnections).toBe(64);
  });

  it('give the larger cap only to channels that carry a file', () => {
    expect([...FILE_PART_CHANNELS].sort()).toEqual([
      'audit:import-trail',
      'corrections:parse-usage',
      'customers:bulk-start',
      'customers:resolve',
      'metering:catalog-import',
      'metering:import-csv',
    ]);
    for (const channel of FILE_PART_CHANNELS) expect(channelNames).toContain(channel);
  });

  it('let the largest paste the contract accepts reach customers:resolve', () => {
    const largest = 'x'.repeat(2_000_000);
    expect(
      customersChannels['customers:resolve'].input.safeParse({ pasted: largest }).success,
    ).toBe(true);
    const body = Buffer.byteLength(JSON.stringify({ pasted: largest }));
    expect(body).toBeGreaterThan(DEFAULT_HTTP_LIMITS.maxBodyBytes);
    expect(bodyCapOf('customers:resolve', DEFAULT_HTTP_LIMITS)).toBeGreaterThanOrEqual(body);
  });
});

describe('browser host limits: slow clients', () => {
  it('answers 408 and closes a connection whose headers trickle in', async () => {
    const { host } = await startHost({
      headersTimeoutMs: 400,
      requestTimeoutMs: 2_000,
      timeoutCheckIntervalMs: 100,
    });
    const socket = await rawSocket(host);
    const closed = untilClosed(socket);
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n`);
    const timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
    const { text, ms } = await closed;
    clearInterval(timer);
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(ms).toBeGreaterThanOrEqual(350);
  });

  it('answers 408 to a body that arrives too slowly, and logs it as info, not an error', async () => {
    const { host, logger } = await startHost({
      headersTimeoutMs: 400,
      requestTimeoutMs: 800,
      timeoutCheckIntervalMs: 100,
    });
    const socket = await rawSocket(host);
    const closed = untilClosed(socket);
    socket.write(
      `POST /api/settings:get HTTP/1.1\r\n${head(host, ['Content-Type: application/json', 'Content-Length: 100'])}\r\n{`,
    );
    const timer = setInterval(() => socket.write(' '), 100);
    const { text } = await closed;
    clearInterval(timer);
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(logger.lines).toContain(
      'info browser host: a request body did not arrive in time {"method":"POST","limitMs":800}',
    );
    expect(logger.lines.filter((line) => line.startsWith('error'))).toEqual([]);
  });

  it('logs a client that disconnects mid-upload as one info line, without a stack', async () => {
    const { host, logger } = await startHost();
    const socket = await rawSocket(host);
    socket.write(
      `POST /api/metering:import-csv HTTP/1.1\r\n${head(host, ['Content-Type: application/json', 'Content-Length: 100000'])}\r\n{"text":"customer,`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await vi.waitFor(() =>
      expect(logger.lines).toContain(
        'info browser host: a request ended before its body arrived {"method":"POST"}',
      ),
    );
    expect(logger.lines.join('\n')).not.toMatch(/^error|stack/m);
  });
});

describe('browser host limits: how many at once', () => {
  it('closes connections beyond maxConnections as they arrive, and serves again once one ends', async () => {
    const { host } = await startHost({ maxConnections: 3 });
    const [first] = await Promise.all([rawSocket(host), rawSocket(host), rawSocket(host)]);
    const extra = await rawSocket(host);
    const refused = await untilClosed(extra);
    expect(refused.text).toBe('');
    first.destroy();
    await vi.waitFor(
      async () => {
        const socket = await rawSocket(host);
        const answer = untilClosed(socket);
        socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`);
        expect((await answer).text.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
      },
      { timeout: 5_000, interval: 100 },
    );
  });

  it('refuses an event stream beyond maxEventStreams with 429, and takes one when another closes', async () => {
    const { host } = await startHost({ maxEventStreams: 2 });
    const first = await openEventStream(host);
    const second = await openEventStream(host);
    expect([first.res.statusCode, second.res.statusCode]).toEqual([200, 200]);
    const third = await openEventStream(host);
    expect(third.res.statusCode).toBe(429);
    const body = await new Promise<string>((resolve) => {
      let text = '';
      third.res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      third.res.on('end', () => resolve(text));
    });
    expect(JSON.parse(body)).toMatchObject({ ok: false, error: { message: /event streams/ } });
    first.req.destroy();
    await vi.waitFor(async () => {
      const again = await openEventStream(host);
      again.req.destroy();
      expect(again.res.statusCode).toBe(200);
    });
    second.req.destroy();
  });
});

describe('browser host limits: what a call may carry', () => {
  it.each([
    ['no Content-Type', undefined],
    ['text/plain (what a form on another page can post)', 'text/plain'],
    ['a form body', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['a JSON look-alike', 'application/jsonp'],
  ])('answers 415 to a call with %s', async (_name, contentType) => {
    const { host } = await startHost();
    const reply = await post(host, 'settings:get', '{}', contentType);
    expect(reply.status).toBe(415);
    expect(await reply.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('accepts application/json with or without parameters', async () => {
    const { host } = await startHost();
    for (const contentType of ['application/json', 'Application/JSON; charset=utf-8']) {
      expect((await post(host, 'settings:get', '{}', contentType)).status).toBe(200);
    }
  });

  it('caps bodies at maxBodyBytes, except on the file-part channels', async () => {
    const { host } = await startHost({ maxBodyBytes: 1024, maxFilePartBodyBytes: 8192 });
    const padded = (size: number) => '{}'.padEnd(size, ' ');
    expect((await post(host, 'settings:get', padded(1024), 'application/json')).status).toBe(200);
    expect((await post(host, 'settings:get', padded(1025), 'application/json')).status).toBe(413);
    const part = JSON.stringify({ text: 'x'.repeat(4000), aggregate: false });
    expect((await post(host, 'metering:import-csv', part, 'application/json')).status).toBe(200);
    const tooBig = JSON.stringify({ text: 'x'.repeat(9000), aggregate: false });
    expect((await post(host, 'metering:import-csv', tooBig, 'application/json')).status).toBe(413);
  });
});

describe('browser host limits: the log', () => {
  it('writes one warning a minute for refused unauthenticated requests, then says how many it left out', async () => {
    let now = 1_000_000;
    const { host, logger } = await startHost({}, () => now);
    const unauthenticated = () =>
      fetch(`${host.url}api/settings:get`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    for (let i = 0; i < 5; i += 1) expect((await unauthenticated()).status).toBe(401);
    const warnings = () => logger.lines.filter((line) => line.startsWith('warn'));
    expect(warnings()).toEqual([
      'warn browser host: refused a request without the token {"method":"POST"}',
    ]);
    now += 60_000;
    expect((await unauthenticated()).status).toBe(401);
    expect(warnings()).toEqual([
      'warn browser host: refused a request without the token {"method":"POST"}',
      'warn browser host: refused a request without the token {"method":"POST","suppressedSinceLast":4}',
    ]);
  });
});
