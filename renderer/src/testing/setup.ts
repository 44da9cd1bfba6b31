// Renderer tests: unmount what each test rendered, so tests never see each other's DOM; give
// jsdom the few browser features it lacks (media queries, resize observation, layout boxes) in
// their simplest honest form: no media query matches, sizes are a 1024×600 viewport's.
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
});

const VIEWPORT = { width: 1024, height: 600 };

if (typeof (window as { matchMedia?: unknown }).matchMedia !== 'function') {
  const neverMatches = (query: string): MediaQueryList =>
    Object.assign(new EventTarget(), {
      matches: false,
      media: query,
      onchange: null,
    }) as unknown as MediaQueryList;
  Object.defineProperty(window, 'matchMedia', { value: neverMatches, configurable: true });
}

class ViewportResizeObserver implements ResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element): void {
    const rect = target.getBoundingClientRect();
    const entry = { target, contentRect: rect } as unknown as ResizeObserverEntry;
    this.callback([entry], this);
  }
  unobserve(): void {}
  disconnect(): void {}
}

if (!('ResizeObserver' in globalThis)) {
  Object.defineProperty(globalThis, 'ResizeObserver', {
    value: ViewportResizeObserver,
    configurable: true,
  });
}

Element.prototype.getBoundingClientRect = function viewportBox(): DOMRect {
  return {
    x: 0,
    y: 0,
    top: 0,
    left: 0,
    width: VIEWPORT.width,
    height: VIEWPORT.height,
    right: VIEWPORT.width,
    bottom: VIEWPORT.height,
    toJSON: () => ({}),
  };
};
if (!('scrollIntoView' in Element.prototype)) {
  Object.defineProperty(Element.prototype, 'scrollIntoView', {
    value: () => undefined,
    configurable: true,
  });
}
