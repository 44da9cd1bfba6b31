// The app's own origin. The Electron window loads the built renderer from the privileged custom
// scheme app://meterdesk/ so module scripts load and the origin is stable (file:// has an opaque
// origin and cannot load module scripts).
export const APP_SCHEME = 'app';
export const APP_HOST = 'meterdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the Electron window loads in a packaged or built app. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/`;

type ParsedOrigin = { protocol: string; host: string };

function parseOrigin(origin: string): ParsedOrigin {
  const url = new URL(origin);
  if (url.username !== '' || url.password !== '') {
    throw new Error(`An origin must not carry credentials: ${origin}`);
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new Error(`An origin must not carry a path: ${origin}`);
  }
  return { protocol: url.protocol, host: url.host };
}

/**
 * A predicate "is this URL on one of these origins". Compares scheme and host:port by hand
 * because WHATWG `URL.origin` is the opaque "null" for non-special schemes such as app://.
 */
export function createOriginMatcher(origins: readonly string[]): (url: string) => boolean {
  const allowed = origins.map(parseOrigin);
  return (candidate: string): boolean => {
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      return false;
    }
    if (url.username !== '' || url.password !== '') return false;
    return allowed.some((origin) => origin.protocol === url.protocol && origin.host === url.host);
  };
}

/** True for URLs on app://meterdesk only. */
export const isAppUrl = createOriginMatcher([APP_ORIGIN]);
