// Connects a renderer test to the live core started by the project's global setup: the bridge
// finds the session token where the browser host's page keeps it, and the page-relative URLs
// it fetches are resolved against the host, as a page served by the host would resolve them.
// The renderer's clock is pinned to the core's.
import { inject, vi } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    liveCore: { origin: string; token: string; now: number };
  }
}

const TOKEN_STORAGE_KEY = 'meterdesk.sessionToken';

let connected = false;

function resolveAgainst(origin: string, input: RequestInfo | URL): RequestInfo | URL {
  return typeof input === 'string' && input.startsWith('/') ? `${origin}${input}` : input;
}

/** Node's fetch only takes Node's AbortSignal; jsdom's is bridged onto one. */
function nodeSignal(signal: AbortSignal | null | undefined): AbortSignal | undefined {
  if (!signal) return undefined;
  const controller = new AbortController();
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', () => controller.abort(), { once: true });
  return controller.signal;
}

export function connectLiveCore(): { now: number } {
  const { origin, token, now } = inject('liveCore');
  vi.useFakeTimers({ toFake: ['Date'], now, shouldAdvanceTime: true });
  if (connected) return { now };
  connected = true;
  window.sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
  const nodeFetch = globalThis.fetch;
  globalThis.fetch = (input, init) =>
    nodeFetch(resolveAgainst(origin, input), { ...init, signal: nodeSignal(init?.signal) });
  return { now };
}
