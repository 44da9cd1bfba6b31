// The one Content-Security-Policy of the app, sent by both hosts (Electron's app:// protocol and
// the browser host), plus the other response headers every page and asset carries.
//
// Why each directive: everything defaults to nothing; scripts, styles and fonts only from the
// app's own origin (no inline script, no eval); images may be data: URLs (icons inlined by the
// bundler); the renderer only talks to its own origin (the browser host's /api); no <base>, no
// form posts, no framing, no plugins. React's `style={…}` props go through the CSSOM and are not
// affected by style-src.
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
};

export function serializeCsp(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The production policy, identical in both hosts. */
export const CONTENT_SECURITY_POLICY = serializeCsp(CSP_DIRECTIVES);

/**
 * Only for `electron-vite dev`: Vite's dev server injects an inline React-refresh preamble and
 * talks to its HMR websocket, which the production policy rightly blocks. Never used in a build.
 */
export function devContentSecurityPolicy(devServerUrl: string): string {
  const origin = new URL(devServerUrl).origin;
  const wsOrigin = origin.replace(/^http/, 'ws');
  return serializeCsp({
    ...CSP_DIRECTIVES,
    'script-src': ["'self'", "'unsafe-inline'", origin],
    'style-src': ["'self'", "'unsafe-inline'", origin],
    'img-src': ["'self'", 'data:', origin],
    'font-src': ["'self'", origin],
    'connect-src': ["'self'", origin, wsOrigin],
  });
}

/** Headers for every response that carries app content (HTML, scripts, styles, JSON). */
export function securityHeaders(csp: string = CONTENT_SECURITY_POLICY): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}
