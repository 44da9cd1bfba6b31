// MFA codes asked of the user while a credential resolution waits: the SDK's mfaCodeProvider
// returns a promise that settles only when the renderer answers (connections:mfaAnswer), the user
// cancels, or the prompt times out.
import { AppError } from '../../shared/errors';
import type { MfaRequest } from '../../shared/channels/connections';

export type MfaPrompts = {
  ask: (request: Omit<MfaRequest, 'requestId'>) => Promise<string>;
  /** true when a pending prompt took the answer. */
  answer: (answer: {
    requestId: string;
    code?: string | undefined;
    cancel?: boolean | undefined;
  }) => boolean;
  pending: () => MfaRequest[];
  cancelAll: () => void;
};

export function createMfaPrompts(deps: {
  onRequest: (request: MfaRequest) => void;
  onSettled: (requestId: string) => void;
  newId: () => string;
  timeoutMs?: number;
}): MfaPrompts {
  const timeoutMs = deps.timeoutMs ?? 5 * 60_000;
  const waiting = new Map<
    string,
    {
      request: MfaRequest;
      resolve: (code: string) => void;
      reject: (error: AppError) => void;
      timer: ReturnType<typeof setTimeout>;
    }
  >();

  const settle = (requestId: string): void => {
    const entry = waiting.get(requestId);
    if (!entry) return;
    clearTimeout(entry.timer);
    waiting.delete(requestId);
    deps.onSettled(requestId);
  };

  const cancelled = (why: string): AppError =>
    new AppError('CANCELLED', why, {
      hint: 'Try again and enter the 6-digit code your MFA device shows.',
      retryable: true,
    });

  return {
    ask(partial) {
      const request: MfaRequest = { ...partial, requestId: deps.newId() };
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          const entry = waiting.get(request.requestId);
          settle(request.requestId);
          entry?.reject(cancelled('No MFA code was entered in time.'));
        }, timeoutMs);
        // A prompt left open must not keep a closing app alive.
        timer.unref();
        waiting.set(request.requestId, { request, resolve, reject, timer });
        deps.onRequest(request);
      });
    },
    answer({ requestId, code, cancel }) {
      const entry = waiting.get(requestId);
      if (!entry) return false;
      if (cancel === true || code === undefined) {
        settle(requestId);
        entry.reject(cancelled('The MFA prompt was cancelled.'));
        return true;
      }
      settle(requestId);
      entry.resolve(code);
      return true;
    },
    pending: () => [...waiting.values()].map((entry) => entry.request),
    cancelAll() {
      for (const [requestId, entry] of [...waiting]) {
        settle(requestId);
        entry.reject(cancelled('Meterdesk is closing.'));
      }
    },
  };
}
