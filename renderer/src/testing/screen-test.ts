// The start of every screen test: the live core connected and the clock pinned to it, with the
// few browser features the screens use that jsdom lacks.
import { connectLiveCore } from './live-core';

// jsdom lays nothing out, so it has no scrolling; screens that scroll a grid to a row get the
// method, which does nothing here (the test layout already shows a screenful of rows).
if (!('scrollTo' in Element.prototype)) {
  Object.defineProperty(Element.prototype, 'scrollTo', {
    value: () => undefined,
    configurable: true,
  });
}

// jsdom has no 2D canvas; charts (uPlot) draw into one. This context accepts every drawing
// call and draws nothing, so a chart's labelled figure and its table are what tests see.
function blankContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const state = new Map<PropertyKey, unknown>();
  const context: CanvasRenderingContext2D = new Proxy({} as CanvasRenderingContext2D, {
    get(_target, key) {
      if (key === 'canvas') return canvas;
      if (state.has(key)) return state.get(key);
      if (key === 'measureText') return (text: string) => ({ width: text.length * 6 });
      if (key === 'then') return undefined;
      return () => context;
    },
    set(_target, key, value) {
      state.set(key, value);
      return true;
    },
  });
  return context;
}
if (!('Path2D' in globalThis)) {
  function BlankPath2D(): object {
    return new Proxy({}, { get: () => () => undefined });
  }
  Object.defineProperty(globalThis, 'Path2D', { value: BlankPath2D, configurable: true });
}
Object.defineProperty(HTMLCanvasElement.prototype, 'getContext', {
  configurable: true,
  value(this: HTMLCanvasElement, kind: string) {
    return kind === '2d' ? blankContext(this) : null;
  },
});

// jsdom's <dialog> opens and closes only through its attribute; a modal one is shown the same
// way (jsdom has no top layer, and tests find it by role and name).
if (typeof HTMLDialogElement.prototype.showModal !== 'function') {
  Object.defineProperties(HTMLDialogElement.prototype, {
    showModal: {
      configurable: true,
      value(this: HTMLDialogElement) {
        this.setAttribute('open', '');
      },
    },
    close: {
      configurable: true,
      value(this: HTMLDialogElement) {
        if (!this.hasAttribute('open')) return;
        this.removeAttribute('open');
        this.dispatchEvent(new Event('close'));
      },
    },
  });
}

export function startScreenTest(): { now: number } {
  return connectLiveCore();
}
