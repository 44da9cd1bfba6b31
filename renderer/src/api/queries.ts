// TanStack Query hooks over the bridge. Components use only these: they never see a Result
// (errors arrive as a thrown BridgeError) and never touch the bridge or window.meterdesk.
import { useEffect, useEffectEvent } from 'react';
import { QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AppInfo,
  Channel,
  ChannelInput,
  ChannelOutput,
  EventName,
  EventPayload,
  Settings,
} from '../../../shared/contract';
import type { AppErrorShape, ErrorCode } from '../../../shared/errors';
import { callChannel, subscribe } from './bridge';

/** A failed call, as react-query sees it: the Result error, kept whole. */
export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly retryable: boolean;
  readonly details: unknown;

  constructor(shape: AppErrorShape) {
    super(shape.message);
    this.name = 'BridgeError';
    this.code = shape.code;
    this.hint = shape.hint;
    this.retryable = shape.retryable ?? false;
    this.details = shape.details;
  }
}

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: BridgeError;
  }
}

/** Calls a channel and unwraps its Result: the value, or a thrown BridgeError. */
export async function request<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  const result = await callChannel(channel, input);
  if (result.ok) return result.value;
  throw new BridgeError(result.error);
}

export const queryKeys = {
  appInfo: ['app:info'] as const,
  settings: ['settings:get'] as const,
};

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Only retry what the core says can succeed on a second try.
        retry: (failureCount, error) =>
          error instanceof BridgeError && error.retryable && failureCount < 2,
        refetchOnWindowFocus: false,
        staleTime: 30_000,
      },
      mutations: { retry: false },
    },
  });
}

export function useAppInfo() {
  return useQuery<AppInfo>({
    queryKey: queryKeys.appInfo,
    queryFn: () => request('app:info', {}),
  });
}

export function useSettings() {
  return useQuery<Settings>({
    queryKey: queryKeys.settings,
    queryFn: () => request('settings:get', {}),
  });
}

export type SettingsPatch = ChannelInput<'settings:set'>;

/** Saves a settings patch; the screen updates at once and rolls back if the core refuses. */
export function useUpdateSettings() {
  const queryClient = useQueryClient();
  return useMutation<Settings, BridgeError, SettingsPatch, { previous: Settings | undefined }>({
    mutationFn: (patch) => request('settings:set', patch),
    onMutate: async (patch) => {
      await queryClient.cancelQueries({ queryKey: queryKeys.settings });
      const previous = queryClient.getQueryData<Settings>(queryKeys.settings);
      if (previous) {
        queryClient.setQueryData<Settings>(queryKeys.settings, { ...previous, ...patch });
      }
      return { previous };
    },
    onError: (_error, _patch, context) => {
      if (context?.previous) queryClient.setQueryData(queryKeys.settings, context.previous);
    },
    onSuccess: (settings, patch) => {
      queryClient.setQueryData(queryKeys.settings, settings);
      // The active connection is part of app:info.
      if (patch.activeConnectionId !== undefined) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.appInfo });
      }
    },
  });
}

/** Listens to one event from main for as long as the component is mounted. */
export function useBridgeEvent<E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
): void {
  const onEvent = useEffectEvent(listener);
  useEffect(() => subscribe(event, (payload) => onEvent(payload)), [event]);
}

/** Keeps the settings cache in step when another window (or the core) changes settings. */
export function useSettingsSync(): void {
  const queryClient = useQueryClient();
  useBridgeEvent('settings:changed', (settings) => {
    const previous = queryClient.getQueryData<Settings>(queryKeys.settings);
    queryClient.setQueryData(queryKeys.settings, settings);
    if (previous && previous.activeConnectionId !== settings.activeConnectionId) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.appInfo });
    }
  });
}
