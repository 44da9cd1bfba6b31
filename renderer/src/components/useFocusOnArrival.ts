// Moves keyboard focus to a result when it arrives, so after "Resolve", "Preview" or "Submit"
// (whose button is disabled while it works, which drops focus to <body>) keyboard and
// screen-reader users land on what the action produced. Give the element tabIndex={-1}.
import { useEffect, useRef, type RefObject } from 'react';

/**
 * Focuses the returned ref's element each time `result` changes to a new value (compared by
 * identity: each answer of a query or mutation is a new object). null/undefined: nothing yet.
 */
export function useFocusOnArrival<T extends HTMLElement>(result: unknown): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (result === null || result === undefined) return;
    ref.current?.focus();
  }, [result]);
  return ref;
}
