// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaveGuardDialog, useLeaveGuard } from './leave-guard';

function Guarded({ message }: { message: string | null }) {
  useLeaveGuard('Metering', message);
  return null;
}

/** Dispatches the event the browser sends before a reload or close; true when it was held. */
function unloadHeld(): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}

afterEach(cleanup);

describe('a reload or close with unsent work', () => {
  it('is held (so the browser or main asks) only while a screen has unsent work', () => {
    const view = render(
      <>
        <LeaveGuardDialog />
        <Guarded message="2 records in the editor are not sent yet." />
      </>,
    );
    expect(unloadHeld()).toBe(true);
    view.rerender(
      <>
        <LeaveGuardDialog />
        <Guarded message={null} />
      </>,
    );
    expect(unloadHeld()).toBe(false);
  });

  it('is not held when no screen declares unsent work', () => {
    render(<LeaveGuardDialog />);
    expect(unloadHeld()).toBe(false);
  });
});
