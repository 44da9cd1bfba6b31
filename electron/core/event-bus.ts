// Typed events from main to every connected renderer (IPC window or browser-host stream).
import type { AnyEvent, EventName, EventPayload } from '../../shared/contract';

export type EventListener = (event: AnyEvent) => void;

export type EventBus = {
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  subscribe: (listener: EventListener) => () => void;
};

export function createEventBus(): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit(event, payload) {
      const message = { event, payload } as AnyEvent;
      for (const listener of listeners) {
        try {
          listener(message);
        } catch {
          // One broken subscriber must not stop the others.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
