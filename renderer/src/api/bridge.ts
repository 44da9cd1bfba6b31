// The bridge client: the only module that knows which host the renderer runs in. In Electron
// the preload has put `window.meterdesk` in place; in the browser host the same interface is
// built here over HTTP (token-authenticated POSTs plus a fetch-read event stream).
import { z } from 'zod';
import {
  channelNames,
  events,
  isEventName,
  type AnyEvent,
  type Channel,
  type ChannelInput,
  type ChannelOutput,
  type EventName,
  type EventPayload,
  type MeterdeskBridge,
} from '../../../shared/contract';
import { appErrorSchema, type AppErrorShape } from '../../../shared/errors';
import { err, type Result } from '../../../shared/result';

declare global {
  interface Window {
    /** Present only in Electron, where the preload exposes it. */
    meterdesk?: MeterdeskBridge;
  }
}

const TOKEN_STORAGE_KEY = 'meterdesk.sessionToken';
// Printable ASCII only, so the token is always a legal header value.
const TOKEN_PATTERN = /^[\x21-\x7e]{1,1024}$/;

const envelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: appErrorSchema }),
]);

const eventMessageSchema = z.object({ event: z.string(), payload: z.unknown() });

type Listener = (payload: unknown) => void;

let bridgeInstance: MeterdeskBridge | null = null;

/** The bridge for this window; the first call also takes the browser host's token from the URL. */
export function getBridge(): MeterdeskBridge {
  if (bridgeInstance) return bridgeInstance;
  const preloaded = window.meterdesk;
  bridgeInstance = preloaded ?? createHttpBridge(readSessionToken());
  return bridgeInstance;
}

/** Calls one channel; never throws, whatever the host does. */
export async function callChannel<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
): Promise<Result<ChannelOutput<C>>> {
  try {
    const fn = getBridge()[channel] as (
      value: ChannelInput<C>,
    ) => Promise<Result<ChannelOutput<C>>>;
    return await fn(input);
  } catch (caught: unknown) {
    return err({
      code: 'INTERNAL',
      message: 'The call to the Meterdesk core failed unexpectedly.',
      details: { channel, error: caught instanceof Error ? caught.message : String(caught) },
    });
  }
}

/** Subscribes to one typed event from main; returns the unsubscribe function. */
export function subscribe<E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
): () => void {
  return getBridge().on(event, listener);
}

// ---------------------------------------------------------------------------------------------
// Browser host: token handling

/**
 * Takes `token=...` out of the URL fragment (so it is not left in the address bar, history or
 * a screenshot) and keeps it in sessionStorage, which survives a reload of this tab only.
 */
function readSessionToken(): string | null {
  const fromUrl = takeTokenFromLocation();
  if (fromUrl !== null) {
    try {
      window.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage disabled: the token still works until the tab is reloaded.
    }
    return fromUrl;
  }
  try {
    const stored = window.sessionStorage.getItem(TOKEN_STORAGE_KEY);
    return stored !== null && TOKEN_PATTERN.test(stored) ? stored : null;
  } catch {
    return null;
  }
}

function takeTokenFromLocation(): string | null {
  const fragment = window.location.hash.replace(/^#/, '');
  // The fragment is "token=..." or "<route>?token=..." (e.g. "/audit?token=...&x=1").
  const match = /(^|[?&])token=([^&]*)/.exec(fragment);
  if (!match) return null;
  const separator = match[1] ?? '';
  const before = fragment.slice(0, match.index);
  let after = fragment.slice(match.index + match[0].length);
  if (after.startsWith('&')) after = (separator === '?' ? '?' : before ? '&' : '') + after.slice(1);
  const newHash = before + after;
  const { pathname, search } = window.location;
  window.history.replaceState(
    window.history.state,
    '',
    pathname + search + (newHash ? `#${newHash}` : ''),
  );
  let token: string;
  try {
    token = decodeURIComponent(match[2] ?? '');
  } catch {
    return null;
  }
  return TOKEN_PATTERN.test(token) ? token : null;
}

// ---------------------------------------------------------------------------------------------
// Browser host: calls

function networkError(message: string, hint: string, details?: unknown): Result<never> {
  const error: AppErrorShape = { code: 'NETWORK', message, hint, retryable: true };
  if (details !== undefined) error.details = details;
  return err(error);
}

const refusedToken = (): Result<never> =>
  err({
    code: 'UNAUTHORIZED',
    message: 'The Meterdesk host refused this window: its session token is missing or out of date.',
    hint: 'Open the address the host printed when it started (it carries a fresh token).',
    retryable: false,
  });

function createHttpBridge(token: string | null): MeterdeskBridge {
  // An address with a fresh token pasted into this tab only changes the hash (no page load):
  // take the token out of the address bar and reload so every query starts over with it.
  window.addEventListener('hashchange', () => {
    if (/(^#|[?&])token=/.test(window.location.hash) && readSessionToken() !== null) {
      window.location.reload();
    }
  });

  const authHeaders = (): Record<string, string> =>
    token === null ? {} : { Authorization: `Bearer ${token}` };

  async function post(channel: Channel, input: unknown): Promise<Result<unknown>> {
    let response: Response;
    try {
      response = await fetch(`/api/${channel}`, {
        method: 'POST',
        headers: { ...authHeaders(), 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'error',
      });
    } catch (caught: unknown) {
      return networkError(
        'Could not reach the Meterdesk host.',
        'Check that the Meterdesk host process is still running, then try again.',
        { channel, error: caught instanceof Error ? caught.message : String(caught) },
      );
    }
    // The host answers 401 with a generic Result; ours tells the user what to do about it.
    if (response.status === 401) return refusedToken();
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return networkError(
        `The Meterdesk host gave an answer that is not JSON (HTTP ${response.status}).`,
        'Try again; if it keeps happening, restart the Meterdesk host.',
        { channel, status: response.status },
      );
    }
    const parsed = envelopeSchema.safeParse(body);
    if (parsed.success) return parsed.data;
    return networkError(
      `The Meterdesk host gave an answer in an unexpected shape (HTTP ${response.status}).`,
      'Try again; if it keeps happening, restart the Meterdesk host.',
      { channel, status: response.status },
    );
  }

  const listeners = new Map<EventName, Set<Listener>>();
  let stream: EventStream | null = null;

  function dispatch(message: AnyEvent): void {
    for (const listener of listeners.get(message.event) ?? []) {
      try {
        listener(message.payload);
      } catch {
        // One broken listener must not starve the others.
      }
    }
  }

  function on<E extends EventName>(
    event: E,
    listener: (payload: EventPayload<E>) => void,
  ): () => void {
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    const wrapped: Listener = (payload) => listener(payload as EventPayload<E>);
    set.add(wrapped);
    stream ??= openEventStream(authHeaders, dispatch);
    return () => {
      set.delete(wrapped);
      const anyLeft = [...listeners.values()].some((entries) => entries.size > 0);
      if (!anyLeft && stream) {
        stream.close();
        stream = null;
      }
    };
  }

  const bridge: Record<string, unknown> = { on };
  for (const channel of channelNames) {
    bridge[channel] = (input: unknown) => post(channel, input);
  }
  return bridge as unknown as MeterdeskBridge;
}

// ---------------------------------------------------------------------------------------------
// Browser host: events. EventSource cannot send an Authorization header, so the
// text/event-stream body is read through fetch and parsed here.

type EventStream = { close: () => void };

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

function openEventStream(
  authHeaders: () => Record<string, string>,
  dispatch: (message: AnyEvent) => void,
): EventStream {
  let closed = false;
  let failures = 0;
  let controller: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  function handleFrame(frame: string): void {
    const data = frame
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data === '') return; // comments / heartbeats
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const message = eventMessageSchema.safeParse(json);
    if (!message.success || !isEventName(message.data.event)) return;
    const payload = events[message.data.event].safeParse(message.data.payload);
    if (!payload.success) return;
    dispatch({ event: message.data.event, payload: payload.data } as AnyEvent);
  }

  async function connect(): Promise<void> {
    controller = new AbortController();
    try {
      const response = await fetch('/api/events', {
        headers: { ...authHeaders(), Accept: 'text/event-stream' },
        cache: 'no-store',
        credentials: 'omit',
        signal: controller.signal,
      });
      // A refused token will not become valid by retrying; a new one reloads the page.
      if (response.status === 401) return;
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      failures = 0;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer = (buffer + value).replace(/\r\n/g, '\n');
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          handleFrame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      failures += 1;
    }
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (closed) return;
    // Exponential back-off with jitter so a restarted host is not hammered.
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** Math.min(failures, 10));
    const delay = base / 2 + Math.random() * (base / 2);
    timer = setTimeout(() => void connect(), delay);
  }

  void connect();
  return {
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      controller?.abort();
    },
  };
}
