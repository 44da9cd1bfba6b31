// An import stays in main while its screen shows it: the screen tells main well within main's
// idle limit, for the import it shows, and stops once the screen goes (then main frees it).
import { renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IMPORT_IDLE_MS } from '../../../../shared/channels/metering';
import { IMPORT_KEEP_ALIVE_MS } from '../../api/metering';
import { useKeepImportAlive } from './useKeepImportAlive';

describe('useKeepImportAlive', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the shown import alive more than once per idle period of main', () => {
    expect(IMPORT_KEEP_ALIVE_MS * 3).toBeLessThanOrEqual(IMPORT_IDLE_MS);
    const keep = vi.fn<(handles: string[]) => Promise<unknown>>(() => Promise.resolve({}));
    renderHook(() => useKeepImportAlive('import-1', keep));
    vi.advanceTimersByTime(IMPORT_IDLE_MS * 3);
    expect(keep).toHaveBeenCalledTimes((IMPORT_IDLE_MS * 3) / IMPORT_KEEP_ALIVE_MS);
    expect(keep.mock.calls.every(([handles]) => handles[0] === 'import-1')).toBe(true);
  });

  it('follows the import on screen, and stops when the screen goes', () => {
    const keep = vi.fn<(handles: string[]) => Promise<unknown>>(() => Promise.resolve({}));
    const { rerender, unmount } = renderHook(
      ({ handle }: { handle: string | undefined }) => useKeepImportAlive(handle, keep),
      { initialProps: { handle: undefined as string | undefined } },
    );
    vi.advanceTimersByTime(IMPORT_KEEP_ALIVE_MS * 2);
    expect(keep).not.toHaveBeenCalled();
    rerender({ handle: 'import-2' });
    vi.advanceTimersByTime(IMPORT_KEEP_ALIVE_MS);
    expect(keep).toHaveBeenLastCalledWith(['import-2']);
    rerender({ handle: 'import-3' });
    vi.advanceTimersByTime(IMPORT_KEEP_ALIVE_MS);
    expect(keep).toHaveBeenLastCalledWith(['import-3']);
    const calls = keep.mock.calls.length;
    unmount();
    vi.advanceTimersByTime(IMPORT_IDLE_MS);
    expect(keep).toHaveBeenCalledTimes(calls);
  });

  it('a failed keep-alive is not an unhandled rejection', async () => {
    const keep = vi.fn<(handles: string[]) => Promise<unknown>>(() =>
      Promise.reject(new Error('main restarted')),
    );
    renderHook(() => useKeepImportAlive('import-4', keep));
    vi.advanceTimersByTime(IMPORT_KEEP_ALIVE_MS);
    await vi.runOnlyPendingTimersAsync();
    expect(keep).toHaveBeenCalled();
  });
});
