import { describe, expect, it, vi } from 'vitest';
import { mainWindowFrame, showWhenReady, WINDOW_BACKGROUND, windowBackground } from './window';

describe('main window frame', () => {
  const options = mainWindowFrame({ theme: 'system', systemPrefersDark: false });

  it('leaves webPreferences to the call site, where every security flag is written', () => {
    expect(options).not.toHaveProperty('webPreferences');
  });

  it('stays hidden until ready-to-show and has sane sizes', () => {
    expect(options.show).toBe(false);
    expect(options.minWidth).toBeGreaterThanOrEqual(800);
    expect(options.minHeight).toBeGreaterThanOrEqual(500);
    expect(options.width).toBeGreaterThanOrEqual(options.minWidth ?? 0);
    expect(options.height).toBeGreaterThanOrEqual(options.minHeight ?? 0);
  });

  it('paints the background of the chosen theme', () => {
    expect(windowBackground('dark', false)).toBe(WINDOW_BACKGROUND.dark);
    expect(windowBackground('light', true)).toBe(WINDOW_BACKGROUND.light);
    expect(windowBackground('system', true)).toBe(WINDOW_BACKGROUND.dark);
    expect(windowBackground('system', false)).toBe(WINDOW_BACKGROUND.light);
    expect(mainWindowFrame({ theme: 'system', systemPrefersDark: true }).backgroundColor).toBe(
      WINDOW_BACKGROUND.dark,
    );
  });

  it('shows the window on ready-to-show, not before', () => {
    let ready: (() => void) | undefined;
    const window = {
      once: (_event: 'ready-to-show', listener: () => void) => {
        ready = listener;
      },
      show: vi.fn(),
    };
    showWhenReady(window);
    expect(window.show).not.toHaveBeenCalled();
    ready?.();
    expect(window.show).toHaveBeenCalledOnce();
  });
});
