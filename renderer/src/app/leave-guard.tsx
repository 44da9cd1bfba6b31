// Leaving a screen with unsent work asks first. A screen declares what would be left behind
// (useLeaveGuard); the shell catches clicks on links to other screens and asks before following
// them, and a reload or a closing window asks through the browser's beforeunload question (in
// the desktop app main puts it as a native dialog: electron/app/leave-prompt.ts). The work itself
// is kept (drafts live in main), so "Leave" loses nothing: the question only makes sure nobody
// walks away thinking it was sent.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useRoutePath } from './router';

type Guard = { screen: string; message: string };

const guards = new Set<Guard>();
const listeners = new Set<() => void>();
let current: Guard | null = null;

function changed(): void {
  current = [...guards].at(-1) ?? null;
  for (const listener of listeners) listener();
}

/** While `message` is not null, leaving this screen by a link asks first with it. */
export function useLeaveGuard(screen: string, message: string | null): void {
  useEffect(() => {
    if (message === null) return;
    const guard: Guard = { screen, message };
    guards.add(guard);
    changed();
    return () => {
      guards.delete(guard);
      changed();
    };
  }, [screen, message]);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The route a link goes to, when it is an in-app link ("#/audit?…" → "/audit"). */
function routeOf(anchor: HTMLAnchorElement): string | null {
  const href = anchor.getAttribute('href');
  if (href === null || !href.startsWith('#/')) return null;
  return href.slice(1).split('?')[0] ?? null;
}

/** The shell's half: asks before a link leaves a guarded screen. */
export function LeaveGuardDialog() {
  const guard = useSyncExternalStore(subscribe, () => current);
  const path = useRoutePath();
  const [asking, setAsking] = useState<{ href: string; guard: Guard } | null>(null);

  useEffect(() => {
    if (guard === null) return;
    const onBeforeUnload = (event: BeforeUnloadEvent): void => {
      // Cancelling the event is what makes the browser (or Electron's main) ask.
      event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [guard]);

  useEffect(() => {
    if (guard === null) return;
    const onClick = (event: MouseEvent): void => {
      if (event.defaultPrevented || event.button !== 0) return;
      const anchor = (event.target as Element | null)?.closest('a');
      if (!anchor) return;
      const route = routeOf(anchor);
      if (route === null || route === path) return;
      event.preventDefault();
      setAsking({ href: anchor.getAttribute('href') ?? '', guard });
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, [guard, path]);

  return (
    <ConfirmDialog
      title={`Leave ${asking?.guard.screen ?? ''} with unsent work?`}
      open={asking !== null}
      message={asking?.guard.message ?? ''}
      cancelLabel={`Stay on ${asking?.guard.screen ?? ''}`}
      confirmLabel="Leave (keep the draft)"
      onCancel={() => setAsking(null)}
      onConfirm={() => {
        const href = asking?.href;
        setAsking(null);
        if (href) window.location.hash = href;
      }}
    />
  );
}
