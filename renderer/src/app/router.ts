// A tiny hash router: the route is the part of the fragment after "#" up to any "?".
// Hash routing keeps every screen addressable without a server route per screen.
import { useSyncExternalStore } from 'react';
import { defaultPath } from './routes';

function readPath(): string {
  const { hash } = window.location;
  if (!hash.startsWith('#/')) return defaultPath;
  const path = hash.slice(1).split('?')[0] ?? '';
  return path === '/' ? defaultPath : path;
}

function subscribeToLocation(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  window.addEventListener('popstate', onChange);
  return () => {
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener('popstate', onChange);
  };
}

/** The current route path, e.g. "/audit"; re-renders on every hash change. */
export function useRoutePath(): string {
  return useSyncExternalStore(subscribeToLocation, readPath);
}

export function hrefFor(path: string): string {
  return `#${path}`;
}

/** Gives a bare URL a route so the address bar always names the screen shown. */
export function ensureRouteInHash(): void {
  if (window.location.hash.startsWith('#/')) return;
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${search}#${defaultPath}`);
}
