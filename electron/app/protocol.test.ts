import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from './csp';
import {
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
  handleAppProtocol,
  registerAppScheme,
} from './protocol';

let root: string;
let rendererDir: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'meterdesk-protocol-'));
  rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Meterdesk</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(rendererDir, '.env'), 'SECRET=1');
  writeFileSync(join(root, 'secret.txt'), 'TOPSECRET');
  symlinkSync(join(root, 'secret.txt'), join(rendererDir, 'assets', 'link.js'));
  handler = createAppProtocolHandler({ rendererDir });
});
afterAll(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

describe('app:// scheme', () => {
  it('is registered standard and secure, without bypassing CSP', () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledExactlyOnceWith([APP_SCHEME_PRIVILEGES]);
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app');
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_PRIVILEGES.privileges?.bypassCSP).toBeUndefined();
    expect(APP_SCHEME_PRIVILEGES.privileges?.corsEnabled).toBeUndefined();
  });

  it('handleAppProtocol installs the handler on the app scheme', () => {
    const handle = vi.fn();
    handleAppProtocol({ handle }, { rendererDir });
    expect(handle).toHaveBeenCalledWith('app', expect.any(Function));
  });

  it('serves index.html with the CSP, no-store and the hardening headers', async () => {
    const response = await handler(new Request('app://meterdesk/'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Meterdesk</title>');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves assets with their content type and falls back to index for app routes', async () => {
    const script = await handler(new Request('app://meterdesk/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const route = await handler(new Request('app://meterdesk/audit'));
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>');
    expect((await handler(new Request('app://meterdesk/missing.js'))).status).toBe(404);
  });

  it.each([
    'app://meterdesk/..%2fsecret.txt',
    'app://meterdesk/%2e%2e%2fsecret.txt',
    'app://meterdesk/assets/..%5c..%5csecret.txt',
    'app://meterdesk/assets/link.js',
    'app://meterdesk/.env',
    'app://meterdesk/%00',
    'app://other/index.html',
  ])('refuses %s', async (url) => {
    const response = await handler(new Request(url));
    expect(response.status).toBeGreaterThanOrEqual(400);
    const text = await response.text();
    expect(text).not.toContain('TOPSECRET');
    expect(text).not.toContain('SECRET=1');
  });

  it('refuses anything but GET and HEAD', async () => {
    const response = await handler(new Request('app://meterdesk/', { method: 'POST', body: 'x' }));
    expect(response.status).toBe(405);
  });
});
