import { describe, expect, it, vi } from 'vitest';
import { mainWindowOptions, showWhenReady, WINDOW_BACKGROUND, windowBackground } from './window';

describe('main window options', () => {
  const options = mainWindowOptions({
    preloadPath: '/app/out/preload/index.cjs',
    theme: 'system',
    systemPrefersDark: false,
  });

  it('locks the renderer down', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: false,
    });
  });

  it('stays hidden until ready-to-show and has sane sizes', () => {
    expect(options.show).toBe(false);
    expect(options.minWidth).toBeGreaterThanOrEqual(800);
    expect(options.minHeight).toBeGreaterThanOrEqual(500);
    expect(options.width).toBeGreaterThanOrEqual(options.minWidth ?? 0);
    expect(options.height).toBeGreaterThanOrEqual(options.minHeight ?? 0);
  });

  it('enables DevTools only when asked', () => {
    const dev = mainWindowOptions({
      preloadPath: 'p',
      theme: 'light',
      systemPrefersDark: false,
      devTools: true,
    });
    expect(dev.webPreferences?.devTools).toBe(true);
    expect(dev.webPreferences?.sandbox).toBe(true);
  });

  it('paints the background of the chosen theme', () => {
    expect(windowBackground('dark', false)).toBe(WINDOW_BACKGROUND.dark);
    expect(windowBackground('light', true)).toBe(WINDOW_BACKGROUND.light);
    expect(windowBackground('system', true)).toBe(WINDOW_BACKGROUND.dark);
    expect(windowBackground('system', false)).toBe(WINDOW_BACKGROUND.light);
    expect(
      mainWindowOptions({ preloadPath: 'p', theme: 'system', systemPrefersDark: true })
        .backgroundColor,
    ).toBe(WINDOW_BACKGROUND.dark);
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
