// Hooks of the customers area over the bridge: resolve a token, history, bulk resolve (started
// in main, followed here by polling its rows and listening to task:progress), the Sandbox
// practice tools. (The product catalog comes from the metering area's useCatalog.)
import { useCallback, useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  BulkRow,
  BulkStatus,
  ResolveResult,
  SandboxWorld,
} from '../../../shared/channels/customers';
import type { TaskProgress } from '../../../shared/contract';
import { directoryKeys } from './customer-directory';
import { BridgeError, request, useBridgeEvent } from './queries';

export const customersKeys = {
  history: ['customers:history'] as const,
  sandboxWorld: ['sandbox:world'] as const,
};

export function useResolveToken() {
  const queryClient = useQueryClient();
  return useMutation<ResolveResult, BridgeError, string>({
    mutationFn: (pasted) => request('customers:resolve', { pasted }),
    onSettled: async () => {
      // A resolution may link a customer's two ids: the directory learns it too.
      await queryClient.invalidateQueries({ queryKey: directoryKeys.all });
      await queryClient.invalidateQueries({ queryKey: customersKeys.history });
    },
  });
}

export function useResolutionHistory() {
  return useQuery({
    queryKey: customersKeys.history,
    queryFn: () => request('customers:history', { limit: 2000 }),
    staleTime: 0,
  });
}

/** Empties the resolution history (the user typed CLEAR in the dialog first). */
export function useClearResolutionHistory() {
  const queryClient = useQueryClient();
  return useMutation<{ removed: number }>({
    mutationFn: () => request('customers:history-clear', { confirm: 'CLEAR' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: customersKeys.history }),
  });
}

/** The Sandbox's products and customers; only asked for while the Sandbox is active. */
export function useSandboxWorld(enabled: boolean) {
  return useQuery<SandboxWorld>({
    queryKey: customersKeys.sandboxWorld,
    queryFn: () => request('sandbox:world', {}),
    enabled,
    staleTime: 5 * 60_000,
  });
}

export function useMintToken() {
  return useMutation<
    { token: string; formBody: string; expiresAt: string },
    BridgeError,
    { productCode: string; customerAwsAccountId: string; expired: boolean }
  >({
    mutationFn: (input) => request('sandbox:mint-token', input),
  });
}

export type BulkRun = {
  status: BulkStatus | null;
  /** Every row so far, in line order. */
  rows: BulkRow[];
  /** The latest progress event (rate and time left update between polls). */
  progress: TaskProgress | null;
  error: BridgeError | null;
  starting: boolean;
  start: (text: string) => void;
  cancel: () => void;
};

const POLL_MS = 400;

/** A bulk resolve run: starts it in main, then follows its rows until it ends. */
export function useBulkResolve(): BulkRun {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<BulkStatus | null>(null);
  const [rows, setRows] = useState<BulkRow[]>([]);
  const [progress, setProgress] = useState<TaskProgress | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const [starting, setStarting] = useState(false);
  const cursor = useRef(0);
  const taskId = status?.taskId;
  const running = status?.state === 'running';

  const absorb = useCallback((next: BulkStatus, reset = false): void => {
    cursor.current = next.nextFrom;
    setStatus(next);
    setRows((previous) =>
      [...(reset ? [] : previous), ...next.rows].sort((a, b) => a.line - b.line),
    );
  }, []);

  useBridgeEvent('task:progress', (event) => {
    if (event.taskId === taskId) setProgress(event);
  });

  useEffect(() => {
    if (taskId === undefined || !running) return;
    let stopped = false;
    const timer = setInterval(() => {
      void request('customers:bulk-status', { taskId, from: cursor.current })
        .then((next) => {
          if (stopped) return;
          absorb(next);
          if (next.state !== 'running') {
            void queryClient.invalidateQueries({ queryKey: customersKeys.history });
          }
        })
        .catch((caught: unknown) => {
          if (!stopped && caught instanceof BridgeError) setError(caught);
        });
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [taskId, running, absorb, queryClient]);

  const start = useCallback(
    (text: string): void => {
      setError(null);
      setProgress(null);
      setStarting(true);
      request('customers:bulk-start', { text })
        .then((first) => absorb(first, true))
        .catch((caught: unknown) => {
          if (caught instanceof BridgeError) setError(caught);
        })
        .finally(() => setStarting(false));
    },
    [absorb],
  );

  const cancel = useCallback((): void => {
    if (taskId === undefined) return;
    request('customers:bulk-cancel', { taskId }).catch((caught: unknown) => {
      if (caught instanceof BridgeError) setError(caught);
    });
  }, [taskId]);

  return { status, rows, progress, error, starting, start, cancel };
}
