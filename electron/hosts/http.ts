// The browser host: the same router over HTTP for machines where Electron cannot start and for
// end-to-end tests. Bound to 127.0.0.1 only; every /api call needs the per-launch bearer token;
// the Host header must name this server (DNS-rebinding guard); foreign Origins are refused and
// no CORS header is ever sent. It also serves the built renderer with the app's CSP. Its limits
// (timeouts, connections, event streams, body caps) are in http-limits.ts.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { contract, channelNames, eventNames, events, type AnyEvent } from '../../shared/contract';
import type { ErrorCode } from '../../shared/errors';
import { err, type Result } from '../../shared/result';
import { CONTENT_SECURITY_POLICY, securityHeaders } from '../app/csp';
import { resolveStaticFile } from '../app/static-files';
import type { EventBus } from '../core/event-bus';
import { createWarningLimiter, type Logger } from '../core/logger';
import type { Router } from '../core/router';
import {
  bodyCapOf,
  DEFAULT_HTTP_LIMITS,
  isJsonContentType,
  type HttpHostLimits,
} from './http-limits';

export const LOOPBACK_ADDRESS = '127.0.0.1';
export const DEFAULT_HEARTBEAT_MS = 15_000;
/** Warnings anyone on this machine can provoke: at most one line per kind a minute. */
const UNAUTHENTICATED_WARNING_WINDOW_MS = 60_000;
/** An SSE client this far behind is dropped rather than buffered without limit. */
const MAX_SSE_BACKLOG_BYTES = 8 * 1024 * 1024;

export type HttpHostOptions = {
  router: Router;
  bus: EventBus;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 = any free port. */
  port?: number;
  /** Random 32 bytes (base64url) per launch when absent. */
  token?: string;
  /** Tests shrink these; the defaults are DEFAULT_HTTP_LIMITS. */
  limits?: Partial<HttpHostLimits>;
  heartbeatMs?: number;
  logger: Logger;
  /** For the warning limiter's window (ms). */
  now?: () => number;
};

export type HttpHost = {
  /** http://127.0.0.1:PORT/ — the renderer reads the token from `#token=` added by the caller. */
  url: string;
  port: number;
  token: string;
  /** The listening server, for tests and diagnostics. */
  server: Server;
  close: () => Promise<void>;
};

type JsonSchema = Record<string, unknown>;
export type ChannelsDescription = {
  channels: { name: string; input: JsonSchema; output: JsonSchema }[];
  events: { name: string; payload: JsonSchema }[];
};

/** Every channel's input/output and every event's payload as JSON Schema (zod 4). */
export function describeContract(): ChannelsDescription {
  const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
    z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return {
    channels: channelNames.map((name) => ({
      name,
      input: toSchema(contract[name].input, 'input'),
      output: toSchema(contract[name].output, 'output'),
    })),
    events: eventNames.map((name) => ({ name, payload: toSchema(events[name], 'output') })),
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time: both sides are hashed to equal length before timingSafeEqual. */
function tokenMatches(header: string | undefined, expectedDigest: Buffer): boolean {
  if (header === undefined) return false;
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  const presented = match?.[1];
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), expectedDigest);
}

/** The client closed the connection before its request body arrived in full. */
function isClientGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'ECONNABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

class ClientGone extends Error {
  constructor() {
    super('The client closed the connection before the request arrived.');
  }
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { router, bus, rendererDir, logger } = options;
  const limits: HttpHostLimits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const warnUnauthenticated = createWarningLimiter(logger, {
    windowMs: UNAUTHENTICATED_WARNING_WINDOW_MS,
    now: options.now ?? Date.now,
  });
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const token = options.token ?? randomBytes(32).toString('base64url');
  if (token.length < 16 || /\s/.test(token)) {
    throw new Error('The browser-host token must be at least 16 characters without spaces.');
  }
  const tokenDigest = digest(token);
  // Built once at start: a schema zod cannot describe fails the launch, not a later request.
  const channelsJson = JSON.stringify(describeContract());
  const baseHeaders = securityHeaders(CONTENT_SECURITY_POLICY);
  const streams = new Set<ServerResponse>();
  let port = 0;

  const send = (
    res: ServerResponse,
    status: number,
    body: string | Buffer | null,
    headers: OutgoingHttpHeaders,
  ): void => {
    res.writeHead(status, { ...baseHeaders, ...headers });
    res.end(body ?? undefined);
  };
  const sendJson = (res: ServerResponse, status: number, value: unknown): void => {
    send(res, status, JSON.stringify(value), {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    });
  };
  const sendError = (res: ServerResponse, status: number, message: string, extra = {}): void => {
    const code: ErrorCode =
      status === 401
        ? 'UNAUTHORIZED'
        : status === 403 || status === 421
          ? 'FORBIDDEN'
          : status < 500
            ? 'VALIDATION'
            : 'INTERNAL';
    const result: Result<never> = err({ code, message });
    res.writeHead(status, {
      ...baseHeaders,
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      ...extra,
    });
    res.end(JSON.stringify(result));
  };

  const allowedHosts = (): Set<string> =>
    new Set([`${LOOPBACK_ADDRESS}:${port}`, `localhost:${port}`]);

  const readBody = (req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const declared = req.headers['content-length'];
      if (declared !== undefined && Number(declared) > maxBodyBytes) {
        reject(new HttpFailure(413, 'The request body is too large.'));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      // The whole request within requestTimeoutMs (the head is Node's headersTimeout). Kept here
      // rather than in Node's requestTimeout, which also stalled later calls on the connection.
      const deadline = setTimeout(() => {
        if (failed || req.complete) return;
        failed = true;
        chunks.length = 0;
        logger.info('browser host: a request body did not arrive in time', {
          method: req.method,
          limitMs: limits.requestTimeoutMs,
        });
        reject(new HttpFailure(408, 'The request did not arrive in time.'));
      }, limits.requestTimeoutMs);
      deadline.unref();
      req.once('close', () => clearTimeout(deadline));
      req.once('end', () => clearTimeout(deadline));
      req.on('data', (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        // Checked while streaming too: chunked bodies carry no Content-Length.
        if (size > maxBodyBytes) {
          failed = true;
          chunks.length = 0;
          reject(new HttpFailure(413, 'The request body is too large.'));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (!failed) resolve(Buffer.concat(chunks));
      });
      req.on('error', (error) => {
        if (!failed) reject(error);
      });
      req.on('close', () => {
        if (!failed && !req.complete) reject(new ClientGone());
      });
    });

  const handleCall = async (
    req: IncomingMessage,
    res: ServerResponse,
    channel: string,
  ): Promise<void> => {
    const raw = await readBody(req, bodyCapOf(channel, limits));
    let input: unknown = {};
    const text = raw.toString('utf8');
    if (text.trim() !== '') {
      try {
        input = JSON.parse(text) as unknown;
      } catch {
        sendJson(
          res,
          400,
          err({
            code: 'VALIDATION',
            message: 'The request body is not valid JSON.',
            details: { issues: [{ path: '', message: 'Invalid JSON' }] },
          }),
        );
        return;
      }
    }
    const result = await router.call(channel, input, { host: 'browser' });
    const status = !result.ok && result.error.code === 'UNKNOWN_CHANNEL' ? 404 : 200;
    sendJson(res, status, result);
  };

  const handleEvents = (req: IncomingMessage, res: ServerResponse): void => {
    if (streams.size >= limits.maxEventStreams) {
      sendError(res, 429, 'Too many open event streams: close another Meterdesk tab.', {
        'Retry-After': '5',
      });
      return;
    }
    res.writeHead(200, {
      ...baseHeaders,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const write = (chunk: string): void => {
      if (res.writableLength > MAX_SSE_BACKLOG_BYTES) {
        logger.warn('browser host: dropped an event stream that stopped reading');
        res.destroy();
        return;
      }
      res.write(chunk);
    };
    const unsubscribe = bus.subscribe((message: AnyEvent) => {
      write(`data: ${JSON.stringify({ event: message.event, payload: message.payload })}\n\n`);
    });
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    let stopped = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', stop);
    res.on('close', stop);
  };

  const handleApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
  ): Promise<void> => {
    // A page on another site must not be able to call the API even with a stolen token.
    const fetchSite = req.headers['sec-fetch-site'];
    if (fetchSite === 'cross-site' || fetchSite === 'same-site') {
      sendError(res, 403, 'Cross-site requests are refused.');
      return;
    }
    if (!tokenMatches(req.headers.authorization, tokenDigest)) {
      warnUnauthenticated('token', 'browser host: refused a request without the token', {
        method: req.method,
      });
      sendError(res, 401, 'Missing or wrong browser-host token.', {
        'WWW-Authenticate': 'Bearer',
      });
      return;
    }
    const name = pathname.slice('/api/'.length);
    if (name === 'channels' || name === 'events') {
      if (req.method !== 'GET') {
        sendError(res, 405, 'Method not allowed.', { Allow: 'GET' });
        return;
      }
      if (name === 'events') handleEvents(req, res);
      else
        send(res, 200, channelsJson, {
          'Content-Type': 'application/json; charset=utf-8',
          'Cache-Control': 'no-store',
        });
      return;
    }
    if (req.method !== 'POST') {
      sendError(res, 405, 'Method not allowed.', { Allow: 'POST' });
      return;
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      sendError(res, 415, 'Send the call as Content-Type: application/json.', {
        Accept: 'application/json',
      });
      return;
    }
    let channel: string;
    try {
      channel = decodeURIComponent(name);
    } catch {
      sendError(res, 400, 'Bad channel name.');
      return;
    }
    await handleCall(req, res, channel);
  };

  const handleStatic = async (
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
  ): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'Method not allowed', { 'Content-Type': 'text/plain', Allow: 'GET, HEAD' });
      return;
    }
    const found = await resolveStaticFile(rendererDir, pathname);
    if (found.kind !== 'file') {
      const status = found.kind === 'bad-request' ? 400 : 404;
      send(res, status, status === 400 ? 'Bad request' : 'Not found', {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      return;
    }
    const body = await readFile(found.filePath);
    send(res, 200, req.method === 'HEAD' ? null : body, {
      'Content-Type': found.contentType,
      'Content-Length': body.length,
      // index.html names the hashed bundles, so it must never be served stale.
      'Cache-Control': found.isIndex ? 'no-store' : 'no-cache',
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    // DNS-rebinding guard, for every request: a hostile name resolving to 127.0.0.1 is refused.
    const host = req.headers.host;
    if (host === undefined || !allowedHosts().has(host.toLowerCase())) {
      warnUnauthenticated('host', 'browser host: refused a foreign Host header', {
        method: req.method,
      });
      sendError(res, 421, 'This server only answers to 127.0.0.1 and localhost.');
      return;
    }
    // No CORS: a request announcing any origin other than ours is refused outright.
    const origin = req.headers.origin;
    if (origin !== undefined && origin.toLowerCase() !== `http://${host.toLowerCase()}`) {
      warnUnauthenticated('origin', 'browser host: refused a foreign Origin', {
        method: req.method,
      });
      sendError(res, 403, 'Requests from other origins are refused.');
      return;
    }
    if (!rawUrl.startsWith('/')) {
      sendError(res, 400, 'Bad request.');
      return;
    }
    const pathname = rawUrl.split(/[?#]/, 1)[0] ?? '/';
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      await handleApi(req, res, pathname);
    } else {
      await handleStatic(req, res, pathname);
    }
  };

  const answerFailure = (req: IncomingMessage, res: ServerResponse, error: unknown): void => {
    if (error instanceof ClientGone || isClientGone(error)) {
      // A closed tab, a cancelled upload or a body that timed out: nothing broke on this side.
      logger.info('browser host: a request ended before its body arrived', { method: req.method });
      return;
    }
    if (error instanceof HttpFailure) {
      if (!res.headersSent) {
        // Close the connection: the rest of an oversized body is not worth reading.
        sendError(res, error.status, error.message, { Connection: 'close' });
      }
      if (error.status === 408) req.socket.destroySoon();
      else req.resume();
      return;
    }
    logger.error('browser host: request failed', { method: req.method, error });
    if (!res.headersSent) sendError(res, 500, 'Internal error.');
    else res.destroy();
  };

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      // Enforced per body in readBody; 0 turns Node's own check off.
      requestTimeout: 0,
      ...(limits.timeoutCheckIntervalMs === undefined
        ? {}
        : { connectionsCheckingInterval: limits.timeoutCheckIntervalMs }),
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => answerFailure(req, res, error));
    },
  );
  server.maxConnections = limits.maxConnections;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK_ADDRESS, port: options.port ?? 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${LOOPBACK_ADDRESS}:${port}/`;
  logger.info('browser host listening', { url });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const stream of streams) stream.end();
      streams.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  return { url, port, token, server, close };
}
