// Renderer tests: unmount what each test rendered, so tests never see each other's DOM; give
// jsdom the few browser features it lacks (media queries, resize observation, layout boxes) in
// their simplest honest form: no media query matches, boxes are laid out in a 1024×600 viewport.
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach, inject } from 'vitest';

afterEach(() => {
  cleanup();
});

// Drafts persist in main per connection, and every file shares the one live core: each test
// starts from an empty Metering draft on the Sandbox, as a new user would.
beforeEach(async () => {
  const { origin, token } = inject('liveCore');
  const response = await fetch(`${origin}/api/drafts:save`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ connectionId: 'sandbox', records: [], import: null }),
  });
  if (!response.ok) throw new Error(`clearing the draft failed: HTTP ${String(response.status)}`);
});

// Screens wait on the live core, which answers slowly on a loaded machine: find* and waitFor
// wait up to 15 s (a test that fails still fails, only later).
configure({ asyncUtilTimeout: 15_000 });

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

// Rows and list items are one line tall; everything else fills the viewport, so virtualized
// grids (which read their scroll box's client size) show a screenful of rows.
const ROW_HEIGHT = 32;

function heightOf(element: Element): number {
  return element.matches('[role="row"], tr, li') ? ROW_HEIGHT : VIEWPORT.height;
}

Element.prototype.getBoundingClientRect = function viewportBox(this: Element): DOMRect {
  const height = heightOf(this);
  return {
    x: 0,
    y: 0,
    top: 0,
    left: 0,
    width: VIEWPORT.width,
    height,
    right: VIEWPORT.width,
    bottom: height,
    toJSON: () => ({}),
  };
};
for (const [name, size] of [
  ['offsetHeight', heightOf],
  ['clientHeight', heightOf],
  ['offsetWidth', () => VIEWPORT.width],
  ['clientWidth', () => VIEWPORT.width],
] as const) {
  Object.defineProperty(HTMLElement.prototype, name, {
    configurable: true,
    get(this: HTMLElement): number {
      return size(this);
    },
  });
}
if (!('scrollIntoView' in Element.prototype)) {
  Object.defineProperty(Element.prototype, 'scrollIntoView', {
    value: () => undefined,
    configurable: true,
  });
}
