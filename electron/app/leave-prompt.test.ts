import { describe, expect, it, vi } from 'vitest';
import { askBeforeUnload, leavePromptOptions, type PreventUnloadEvent } from './leave-prompt';

/** A webContents that records its 'will-prevent-unload' listener, as Electron would call it. */
function fakeContents() {
  let listener: ((event: PreventUnloadEvent) => void) | undefined;
  return {
    on: (event: 'will-prevent-unload', l: (event: PreventUnloadEvent) => void) => {
      expect(event).toBe('will-prevent-unload');
      listener = l;
    },
    /** The renderer's beforeunload cancelled an unload: Electron emits the event. */
    preventUnload: () => {
      const event = { preventDefault: vi.fn() };
      listener?.(event);
      return event;
    },
  };
}

describe('asking before the window unloads with unsent work', () => {
  it('lets the window go when the user chooses Leave', () => {
    const contents = fakeContents();
    const ask = vi.fn(() => 0);
    askBeforeUnload(contents, ask);
    const event = contents.preventUnload();
    expect(ask).toHaveBeenCalledOnce();
    expect(ask).toHaveBeenCalledWith(leavePromptOptions());
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });

  it('keeps the window (the unload stays cancelled) on Stay or Escape', () => {
    const contents = fakeContents();
    const options = leavePromptOptions();
    askBeforeUnload(contents, () => options.cancelId ?? -1);
    expect(contents.preventUnload().preventDefault).not.toHaveBeenCalled();
  });

  it('asks in plain words, with Stay as the default', () => {
    const options = leavePromptOptions();
    expect(options.buttons).toEqual(['Leave', 'Stay']);
    expect(options.buttons?.[options.defaultId ?? -1]).toBe('Stay');
    expect(options.buttons?.[options.cancelId ?? -1]).toBe('Stay');
    expect(options.detail).toMatch(/not been sent/);
  });
});
