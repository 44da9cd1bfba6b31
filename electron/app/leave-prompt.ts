// Leaving the window with unsent work asks first. The renderer's `beforeunload` handler cancels
// a reload or close while records wait to be sent (renderer/src/app/leave-guard.tsx); Electron
// then only emits 'will-prevent-unload' and, unless main answers it, the close is cancelled
// without a word. This asks the user with a native dialog and lets the window go on "Leave".
import type { MessageBoxSyncOptions } from 'electron';

/** The 'will-prevent-unload' event: preventDefault() lets the page unload after all. */
export type PreventUnloadEvent = { preventDefault: () => void };

export type UnloadGuardedContents = {
  on: (event: 'will-prevent-unload', listener: (event: PreventUnloadEvent) => void) => unknown;
};

/** dialog.showMessageBoxSync bound to the window: the index of the button pressed. */
export type AskSync = (options: MessageBoxSyncOptions) => number;

const LEAVE = 0;
const STAY = 1;

/** The question: Stay is the default and what Escape means, so nothing leaves by accident. */
export function leavePromptOptions(): MessageBoxSyncOptions {
  return {
    type: 'question',
    buttons: ['Leave', 'Stay'],
    defaultId: STAY,
    cancelId: STAY,
    noLink: true,
    title: 'Unsent work',
    message: 'Leave with unsent work?',
    detail:
      'Records in the editor or the open import have not been sent to AWS. They are kept as a ' +
      'draft for this connection and come back when you open Metering again.',
  };
}

/** Answers the renderer's "ask before leaving" with a native question. */
export function askBeforeUnload(contents: UnloadGuardedContents, ask: AskSync): void {
  contents.on('will-prevent-unload', (event) => {
    if (ask(leavePromptOptions()) === LEAVE) event.preventDefault();
  });
}
