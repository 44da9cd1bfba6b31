import { describe, expect, it } from 'vitest';
import { devRendererUrl } from './dev-server';

describe('ELECTRON_RENDERER_URL', () => {
  it('is honoured for the dev server on http://localhost in an unpackaged app', () => {
    expect(devRendererUrl('http://localhost:5173', false)).toBe('http://localhost:5173/');
    expect(devRendererUrl('http://localhost:5173/', false)).toBe('http://localhost:5173/');
  });

  it('is ignored in a packaged app, whatever it says', () => {
    expect(devRendererUrl('http://localhost:5173', true)).toBeNull();
  });

  it.each([
    'https://localhost:5173',
    'http://127.0.0.1:5173',
    'http://localhost.evil.example:5173',
    'http://evil.example',
    'http://user:pass@localhost:5173',
    'file:///tmp/page.html',
    'app://meterdesk/',
    'javascript:alert(1)',
    'not a url',
    '',
  ])('is ignored when it is %s', (value) => {
    expect(devRendererUrl(value, false)).toBeNull();
  });
});
