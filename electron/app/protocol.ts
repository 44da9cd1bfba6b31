// The app:// protocol that serves the built renderer inside Electron. Written against small
// structural types so tests drive it with Node's own Request/Response; no runtime electron import.
import { readFile } from 'node:fs/promises';
import type { CustomScheme } from 'electron';
import type { Logger } from '../core/logger';
import { CONTENT_SECURITY_POLICY, securityHeaders } from './csp';
import { APP_HOST, APP_SCHEME } from './origin';
import { resolveStaticFile } from './static-files';

/**
 * standard: real origin, relative URLs and module scripts work; secure: counts as a secure
 * context like https; supportFetchAPI: fetch()/module loading; codeCache: faster start.
 * Deliberately NOT bypassCSP, and no corsEnabled/serviceWorkers: nothing else may read from it.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

export type ProtocolRegistrarLike = {
  registerSchemesAsPrivileged: (customSchemes: CustomScheme[]) => void;
};

export type ProtocolLike = {
  handle: (scheme: string, handler: (request: Request) => Response | Promise<Response>) => void;
};

/** Must run before the app's `ready` event (Electron only accepts it then). */
export function registerAppScheme(protocol: ProtocolRegistrarLike): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

function textResponse(status: number, text: string, csp: string): Response {
  return new Response(text, {
    status,
    headers: {
      ...securityHeaders(csp),
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    },
  });
}

export type AppProtocolOptions = {
  rendererDir: string;
  logger?: Logger;
  csp?: string;
};

/** The request handler for app://meterdesk/…, pure enough to test without Electron. */
export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: Request) => Promise<Response> {
  const csp = options.csp ?? CONTENT_SECURITY_POLICY;
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return textResponse(405, 'Method not allowed', csp);
    }
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return textResponse(400, 'Bad request', csp);
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
      return textResponse(404, 'Not found', csp);
    }
    const found = await resolveStaticFile(options.rendererDir, url.pathname);
    if (found.kind === 'bad-request') return textResponse(400, 'Bad request', csp);
    if (found.kind === 'not-found') return textResponse(404, 'Not found', csp);
    try {
      const body = request.method === 'HEAD' ? null : await readFile(found.filePath);
      return new Response(body, {
        status: 200,
        headers: {
          ...securityHeaders(csp),
          'Content-Type': found.contentType,
          // index.html names the hashed bundles; it must never be served stale after an update.
          'Cache-Control': found.isIndex ? 'no-store' : 'no-cache',
        },
      });
    } catch (error: unknown) {
      options.logger?.error('app protocol: could not read a renderer file', { error });
      return textResponse(500, 'Internal error', csp);
    }
  };
}

/** Call after `app.whenReady()`, on the protocol of the session the window uses. */
export function handleAppProtocol(protocol: ProtocolLike, options: AppProtocolOptions): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(options));
}
