import { describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from '../core/logger';
import { CONTENT_SECURITY_POLICY } from './csp';
import { APP_ENTRY_URL, createOriginMatcher } from './origin';
import {
  guardWebContents,
  hardenApp,
  hardenSession,
  isAllowedExternalUrl,
  withSecurityHeaders,
  type GuardableWebContents,
  type HardenableSession,
  type HeadersReceivedResponse,
  type NavigationEvent,
  type WindowOpenDetails,
} from './security';

type Listener = (event: NavigationEvent) => void;

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((details: WindowOpenDetails) => { action: 'deny' }) | undefined;
  const contents: GuardableWebContents = {
    setWindowOpenHandler: (handler) => {
      openHandler = handler;
    },
    on: (event: string, listener: Listener) => {
      listeners.set(event, listener);
      return contents;
    },
  };
  /** Fires an event; returns whether the guard prevented it. */
  const fire = (event: string, url: string): boolean => {
    const listener = listeners.get(event);
    if (!listener) throw new Error(`no ${event} listener`);
    let prevented = false;
    listener({ url, preventDefault: () => (prevented = true) });
    return prevented;
  };
  const open = (url: string, disposition: WindowOpenDetails['disposition'] = 'foreground-tab') => {
    if (!openHandler) throw new Error('no window open handler');
    return openHandler({ url, disposition });
  };
  return { contents, fire, open };
}

function setup() {
  const fake = fakeContents();
  const shell = { openExternal: vi.fn(() => Promise.resolve()) };
  const logger = createMemoryLogger();
  guardWebContents(fake.contents, { shell, logger });
  return { ...fake, shell, logger };
}

describe('external link allow-list', () => {
  it.each([
    'https://docs.aws.amazon.com/marketplace/latest/userguide/x.html',
    'https://console.aws.amazon.com/cloudtrail/home',
    'https://us-east-1.console.aws.amazon.com/marketplace/home',
    'https://aws.amazon.com/marketplace/management',
    'https://github.com/aws/aws-sdk-js-v3',
  ])('allows %s', (url) => expect(isAllowedExternalUrl(url)).toBe(true));

  it.each([
    'http://docs.aws.amazon.com/',
    'https://docs.aws.amazon.com.evil.example/',
    'https://docs.aws.amazon.com@evil.example/',
    'https://user:pw@docs.aws.amazon.com/',
    'https://docs.aws.amazon.com:8443/',
    'https://evil-docs.aws.amazon.com/',
    'https://aws.amazon.com/marketplacefoo',
    'https://aws.amazon.com/',
    'https://github.com/awsome/repo',
    'https://github.com/attacker/repo',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'app://meterdesk/',
    'not a url',
  ])('refuses %s', (url) => expect(isAllowedExternalUrl(url)).toBe(false));
});

describe('webContents guards', () => {
  it('lets the window navigate within the app origin', () => {
    const { fire, shell } = setup();
    expect(fire('will-navigate', `${APP_ENTRY_URL}audit`)).toBe(false);
    expect(fire('will-redirect', 'app://meterdesk/index.html')).toBe(false);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('blocks navigation to other origins and opens nothing', () => {
    const { fire, shell, logger } = setup();
    expect(fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fire('will-navigate', 'app://other/')).toBe(true);
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fire('will-redirect', 'http://127.0.0.1:1/')).toBe(true);
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(logger.lines.some((line) => line.includes('blocked a navigation'))).toBe(true);
  });

  it('turns a navigation to an allow-listed page into an external open', () => {
    const { fire, shell } = setup();
    const url = 'https://docs.aws.amazon.com/marketplace/';
    expect(fire('will-navigate', url)).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith(url);
  });

  it('always denies window.open, opening only allow-listed https links externally', () => {
    const { open, shell } = setup();
    expect(open('https://console.aws.amazon.com/cloudtrail/home')).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith(
      'https://console.aws.amazon.com/cloudtrail/home',
    );
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(open('app://meterdesk/')).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledOnce();
  });

  it.each(['background-tab', 'new-window', 'other', 'default'] as const)(
    'treats a %s open (middle-click, shift-click, auxclick) exactly like a click',
    (disposition) => {
      const { open, shell, logger } = setup();
      const docs = 'https://docs.aws.amazon.com/marketplace/latest/userguide/';
      expect(open(docs, disposition)).toEqual({ action: 'deny' });
      expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith(docs);
      expect(open('https://evil.example/', disposition)).toEqual({ action: 'deny' });
      expect(open(`${APP_ENTRY_URL}#/audit`, disposition)).toEqual({ action: 'deny' });
      expect(shell.openExternal).toHaveBeenCalledOnce();
      expect(logger.lines.filter((line) => line.includes('blocked a window.open'))).toHaveLength(2);
    },
  );

  it('prevents <webview> attachment', () => {
    const { fire } = setup();
    expect(fire('will-attach-webview', 'app://meterdesk/')).toBe(true);
  });

  it('accepts the dev server origin only when told to', () => {
    const fake = fakeContents();
    const isTrustedUrl = createOriginMatcher(['app://meterdesk', 'http://localhost:5173']);
    guardWebContents(fake.contents, {
      shell: { openExternal: () => Promise.resolve() },
      logger: createMemoryLogger(),
      isTrustedUrl,
    });
    expect(fake.fire('will-navigate', 'http://localhost:5173/x')).toBe(false);
    expect(fake.fire('will-navigate', 'http://localhost:5174/x')).toBe(true);
  });

  it('hardenApp guards every webContents the app creates', () => {
    let created: ((event: unknown, contents: GuardableWebContents) => void) | undefined;
    hardenApp(
      {
        on: (_event, listener) => {
          created = listener;
        },
      },
      { shell: { openExternal: () => Promise.resolve() }, logger: createMemoryLogger() },
    );
    const fake = fakeContents();
    created?.({}, fake.contents);
    expect(fake.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fake.open('https://evil.example/')).toEqual({ action: 'deny' });
  });
});

describe('session hardening', () => {
  function hardened() {
    let onHeaders: Parameters<HardenableSession['webRequest']['onHeadersReceived']>[0] | undefined;
    let onRequest: Parameters<HardenableSession['setPermissionRequestHandler']>[0] | undefined;
    let onCheck: Parameters<HardenableSession['setPermissionCheckHandler']>[0] | undefined;
    hardenSession(
      {
        webRequest: { onHeadersReceived: (listener) => (onHeaders = listener) },
        setPermissionRequestHandler: (handler) => (onRequest = handler),
        setPermissionCheckHandler: (handler) => (onCheck = handler),
      },
      { logger: createMemoryLogger() },
    );
    if (!onHeaders || !onRequest || !onCheck) throw new Error('handlers not installed');
    return { onHeaders, onRequest, onCheck };
  }

  it('puts our CSP on every response, replacing any other', () => {
    const { onHeaders } = hardened();
    let response: HeadersReceivedResponse | undefined;
    onHeaders(
      {
        responseHeaders: {
          'content-security-policy': ["default-src *; script-src 'unsafe-eval'"],
          'Content-Type': ['text/html'],
        },
      },
      (r) => (response = r),
    );
    const headers = response?.responseHeaders ?? {};
    const cspKeys = Object.keys(headers).filter(
      (key) => key.toLowerCase() === 'content-security-policy',
    );
    expect(cspKeys).toEqual(['Content-Security-Policy']);
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(headers['Content-Type']).toEqual(['text/html']);

    onHeaders({}, (r) => (response = r));
    expect(response?.responseHeaders?.['Content-Security-Policy']).toEqual([
      CONTENT_SECURITY_POLICY,
    ]);
  });

  it('grants sanitized clipboard writes only', () => {
    const { onRequest, onCheck } = hardened();
    const callback = vi.fn();
    onRequest({}, 'clipboard-sanitized-write', callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith(true);
    expect(onCheck({}, 'clipboard-sanitized-write')).toBe(true);
  });

  it('denies every other permission request and check', () => {
    const { onRequest, onCheck } = hardened();
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'hid']) {
      const callback = vi.fn();
      onRequest({}, permission, callback);
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect(onCheck({}, permission)).toBe(false);
    }
  });

  it('withSecurityHeaders keeps unrelated headers', () => {
    expect(withSecurityHeaders({ 'x-other': ['1'] }, 'x')).toMatchObject({
      'x-other': ['1'],
      'Content-Security-Policy': ['x'],
    });
  });
});
