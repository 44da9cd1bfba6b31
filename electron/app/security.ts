// Hardening for the Electron session and every webContents: CSP on every response, permissions
// denied, navigation pinned to the app's origin, new windows refused, <webview> refused, and
// external links opened in the user's browser only when they are on a short allow-list.
// Written against small structural types (real Electron objects satisfy them) so tests pass fakes.
import type { Logger } from '../core/logger';
import { CONTENT_SECURITY_POLICY, securityHeaders } from './csp';
import { isAppUrl } from './origin';

export type ExternalLinkRule = {
  host: string;
  /** Also accept any subdomain, e.g. us-east-1.console.aws.amazon.com. */
  includeSubdomains?: boolean;
  /** Only paths equal to this or below it ("/aws" accepts "/aws/x", not "/awsome"). */
  pathPrefix?: string;
};

/** The only places the app may send the user to, always in their own browser, https only. */
export const EXTERNAL_LINK_ALLOWLIST: readonly ExternalLinkRule[] = [
  { host: 'docs.aws.amazon.com' },
  { host: 'console.aws.amazon.com', includeSubdomains: true },
  { host: 'aws.amazon.com', pathPrefix: '/marketplace' },
  { host: 'github.com', pathPrefix: '/aws' },
];

export function isAllowedExternalUrl(
  candidate: string,
  rules: readonly ExternalLinkRule[] = EXTERNAL_LINK_ALLOWLIST,
): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  // No credentials or odd ports: "https://docs.aws.amazon.com@evil.example" parses with a user.
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.port !== '') {
    return false;
  }
  const host = url.hostname.toLowerCase();
  return rules.some((rule) => {
    const hostOk =
      host === rule.host || (rule.includeSubdomains === true && host.endsWith(`.${rule.host}`));
    if (!hostOk) return false;
    if (rule.pathPrefix === undefined) return true;
    return url.pathname === rule.pathPrefix || url.pathname.startsWith(`${rule.pathPrefix}/`);
  });
}

export type ShellLike = { openExternal: (url: string) => Promise<void> };

export type PreventableEvent = { preventDefault: () => void };
export type NavigationEvent = PreventableEvent & { url: string };

/**
 * What Electron tells the window-open handler. `disposition` says how the user asked (a click,
 * a middle-click or auxclick is 'background-tab', shift-click 'new-window'); the guard answers
 * every one the same way, so no kind of click opens an app window.
 */
export type WindowOpenDetails = {
  url: string;
  disposition: 'default' | 'foreground-tab' | 'background-tab' | 'new-window' | 'other';
};

/** The part of Electron's WebContents the guards use. */
export type GuardableWebContents = {
  setWindowOpenHandler: (handler: (details: WindowOpenDetails) => { action: 'deny' }) => void;
  // Separate signatures (an intersection, not a union) so Electron's overloaded `on` fits.
  on: ((event: 'will-navigate', listener: (event: NavigationEvent) => void) => unknown) &
    ((event: 'will-redirect', listener: (event: NavigationEvent) => void) => unknown) &
    ((event: 'will-attach-webview', listener: (event: PreventableEvent) => void) => unknown);
};

export type GuardOptions = {
  shell: ShellLike;
  logger: Logger;
  /** Where the window may navigate; defaults to app://meterdesk (add the dev server in dev). */
  isTrustedUrl?: (url: string) => boolean;
  isExternalAllowed?: (url: string) => boolean;
};

function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparseable)';
  }
}

function openIfAllowed(url: string, options: GuardOptions): boolean {
  const allowed = (options.isExternalAllowed ?? isAllowedExternalUrl)(url);
  if (!allowed) return false;
  options.shell.openExternal(url).catch((error: unknown) => {
    options.logger.warn('could not open an external link', { origin: originOf(url), error });
  });
  return true;
}

/** Pins one webContents to the app: call for every webContents (see hardenApp). */
export function guardWebContents(contents: GuardableWebContents, options: GuardOptions): void {
  const isTrusted = options.isTrustedUrl ?? isAppUrl;

  // Every disposition alike: a middle-click on a docs link opens it in the user's browser, as
  // a click does; anything else is refused and no window opens.
  contents.setWindowOpenHandler(({ url }) => {
    if (!openIfAllowed(url, options)) {
      options.logger.warn('blocked a window.open', { origin: originOf(url) });
    }
    return { action: 'deny' };
  });

  const guardNavigation = (kind: string) => (event: NavigationEvent) => {
    if (isTrusted(event.url)) return;
    event.preventDefault();
    // A plain link to the docs should still work: it opens in the user's browser instead.
    if (!openIfAllowed(event.url, options)) {
      options.logger.warn(`blocked a ${kind}`, { origin: originOf(event.url) });
    }
  };
  contents.on('will-navigate', guardNavigation('navigation'));
  contents.on('will-redirect', guardNavigation('redirect'));

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    options.logger.warn('blocked a <webview>');
  });
}

export type AppLike = {
  on(
    event: 'web-contents-created',
    listener: (event: unknown, contents: GuardableWebContents) => void,
  ): unknown;
};

/** Guards every webContents the app ever creates, including ones we did not create on purpose. */
export function hardenApp(app: AppLike, options: GuardOptions): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, options));
}

export type HeadersReceivedDetails = { responseHeaders?: Record<string, string[]> };
export type HeadersReceivedResponse = { responseHeaders?: Record<string, string | string[]> };

export type HardenableSession = {
  webRequest: {
    onHeadersReceived: (
      listener: (
        details: HeadersReceivedDetails,
        callback: (response: HeadersReceivedResponse) => void,
      ) => void,
    ) => void;
  };
  setPermissionRequestHandler: (
    handler: (
      webContents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
    ) => void,
  ) => void;
  setPermissionCheckHandler: (
    handler: (webContents: unknown, permission: string) => boolean,
  ) => void;
};

const SECURITY_HEADER_NAMES = new Set(
  Object.keys(securityHeaders()).map((name) => name.toLowerCase()),
);

/** Response headers with ours replacing any same-named ones (compared case-insensitively). */
export function withSecurityHeaders(
  headers: Record<string, string[]> | undefined,
  csp: string = CONTENT_SECURITY_POLICY,
): Record<string, string[]> {
  const next: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!SECURITY_HEADER_NAMES.has(name.toLowerCase())) next[name] = value;
  }
  for (const [name, value] of Object.entries(securityHeaders(csp))) next[name] = [value];
  return next;
}

/** Only sanitized clipboard writes: copying text out of the app, never reading the clipboard. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export type SessionHardeningOptions = {
  logger: Logger;
  /** Defaults to the production policy; pass devContentSecurityPolicy(...) only in dev. */
  csp?: string;
};

export function hardenSession(session: HardenableSession, options: SessionHardeningOptions): void {
  const csp = options.csp ?? CONTENT_SECURITY_POLICY;
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withSecurityHeaders(details.responseHeaders, csp) });
  });
  // The app needs no camera, notifications, clipboard-read, geolocation, …: refuse them all.
  // Writing to the clipboard (copy-a-cell, copy an id) is the one thing the UI does need.
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    const granted = ALLOWED_PERMISSIONS.has(permission);
    if (!granted) options.logger.warn('denied a permission request', { permission });
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
}
