// The browser host's limits. It listens on 127.0.0.1, so only programs on this machine reach
// it; these keep one of them (or a stuck tab) from holding it up: slow headers or bodies time
// out, connections and event streams are capped, and a body is read only up to its channel's cap.
import type { Channel } from '../../shared/contract';

export type HttpHostLimits = {
  /** The whole request head must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. */
  requestTimeoutMs: number;
  /** Open sockets at once; further connections are closed as they arrive. */
  maxConnections: number;
  /** Open GET /api/events streams at once (each tab holds one). */
  maxEventStreams: number;
  /** Body cap of every channel except the file-part channels. */
  maxBodyBytes: number;
  /** Body cap of the file-part channels. */
  maxFilePartBodyBytes: number;
  /**
   * How often Node looks for requests past those timeouts. Node's own 30 s by default (so a
   * slow client is cut off 10–40 s after it connected); tests shorten it. A 1 s check in the
   * app stalled the Query tab's Cancel in Chromium, so the app keeps Node's.
   */
  timeoutCheckIntervalMs?: number;
};

export const DEFAULT_HTTP_LIMITS: HttpHostLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 64,
  maxEventStreams: 8,
  maxBodyBytes: 1024 * 1024,
  maxFilePartBodyBytes: 8 * 1024 * 1024,
  // Node checks header deadlines on this interval (30 s by default), so 10 s means 10–11 s.
  timeoutCheckIntervalMs: 1_000,
};

/**
 * Channels whose input carries a file's text (or one part of it), or a paste as large as one
 * (a registration token's whole form post, up to 2 million characters). Their schemas cap the
 * text at 1.5–4 million characters, which JSON-encoded can reach a few MiB; every other channel
 * carries form-sized input.
 */
export const FILE_PART_CHANNELS: ReadonlySet<Channel> = new Set<Channel>([
  'audit:import-trail',
  'metering:import-csv',
  'metering:catalog-import',
  'corrections:parse-usage',
  'customers:bulk-start',
  'customers:resolve',
]);

export function bodyCapOf(channel: string, limits: HttpHostLimits): number {
  return (FILE_PART_CHANNELS as ReadonlySet<string>).has(channel)
    ? limits.maxFilePartBodyBytes
    : limits.maxBodyBytes;
}

/**
 * `application/json`, with parameters or not. Anything else is refused: a page elsewhere can
 * only post text/plain, form or multipart bodies without a CORS preflight.
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const mediaType = header.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}
