// TanStack Query hooks for connections. Nothing here ever holds a secret after the call that
// sends it: the add-connection input goes straight to the core, and every answer describes a
// connection by name, kind, regions, key id's last four characters and expiry only.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AddConnectionInput,
  ConnectionInfo,
  ConnectionList,
  MfaRequest,
  ProfileList,
  SelfTestResult,
  UpdateConnectionInput,
} from '../../../shared/channels/connections';
import type { Settings } from '../../../shared/contract';
import { BridgeError, queryKeys, request, useBridgeEvent } from './queries';

export const connectionKeys = {
  list: ['connections:list'] as const,
  profiles: ['connections:profiles'] as const,
};

export function useConnections() {
  return useQuery<ConnectionList>({
    queryKey: connectionKeys.list,
    queryFn: () => request('connections:list', {}),
  });
}

export function useProfiles(enabled = true) {
  return useQuery<ProfileList>({
    queryKey: connectionKeys.profiles,
    queryFn: () => request('connections:profiles', {}),
    enabled,
  });
}

function useRefreshConnections() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: connectionKeys.list });
    // The top bar (app:info) names the active connection and region.
    void queryClient.invalidateQueries({ queryKey: queryKeys.appInfo });
  };
}

/**
 * Adds a connection. Deliberately not a useMutation: the mutation cache would keep the input
 * (pasted secret included) in memory after the call; here it lives only for the call itself.
 */
export function useAddConnection() {
  const refresh = useRefreshConnections();
  const [state, setState] = useState<{ pending: boolean; error: BridgeError | null }>({
    pending: false,
    error: null,
  });
  const add = async (input: AddConnectionInput): Promise<ConnectionInfo | null> => {
    setState({ pending: true, error: null });
    try {
      const added = await request('connections:add', input);
      setState({ pending: false, error: null });
      refresh();
      return added;
    } catch (caught: unknown) {
      const error =
        caught instanceof BridgeError
          ? caught
          : new BridgeError({ code: 'INTERNAL', message: String(caught) });
      setState({ pending: false, error });
      return null;
    }
  };
  return {
    add,
    isPending: state.pending,
    error: state.error,
    clearError: () => setState((s) => ({ ...s, error: null })),
  };
}

export function useUpdateConnection() {
  const refresh = useRefreshConnections();
  return useMutation<ConnectionInfo, BridgeError, UpdateConnectionInput>({
    mutationFn: (input) => request('connections:update', input),
    onSuccess: refresh,
  });
}

export function useRemoveConnection() {
  const refresh = useRefreshConnections();
  return useMutation<{ removed: boolean }, BridgeError, { id: string }>({
    mutationFn: (input) => request('connections:remove', input),
    onSuccess: refresh,
  });
}

/** Makes a connection (and one of its regions) the one every screen acts on. */
export function useActivateConnection() {
  const queryClient = useQueryClient();
  const refresh = useRefreshConnections();
  return useMutation<ConnectionList, BridgeError, { id: string; region?: string }>({
    mutationFn: (input) => request('connections:activate', input),
    onSuccess: (list) => {
      queryClient.setQueryData(connectionKeys.list, list);
      void queryClient.invalidateQueries({ queryKey: queryKeys.settings });
      refresh();
    },
  });
}

export function useSelfTest() {
  const refresh = useRefreshConnections();
  return useMutation<SelfTestResult, BridgeError, { id: string; regions?: string[] }>({
    mutationFn: (input) => request('connections:test', input),
    // The test learns the account id, which the lists and the top bar show.
    onSuccess: refresh,
  });
}

export function useMfaAnswer() {
  return useMutation<
    { accepted: boolean },
    BridgeError,
    { requestId: string; code?: string; cancel?: boolean }
  >({
    mutationFn: (input) => request('connections:mfaAnswer', input),
  });
}

/** MFA prompts main is waiting on, oldest first; settled ones drop out. */
export function useMfaRequests(): MfaRequest[] {
  const [pending, setPending] = useState<MfaRequest[]>([]);
  useBridgeEvent('connections:mfaRequired', (request) => {
    setPending((current) => [...current.filter((r) => r.requestId !== request.requestId), request]);
  });
  useBridgeEvent('connections:mfaSettled', ({ requestId }) => {
    setPending((current) => current.filter((r) => r.requestId !== requestId));
  });
  return pending;
}

/** Keeps lists and the top bar in step with changes made elsewhere (files, other windows). */
export function useConnectionsSync(): void {
  const queryClient = useQueryClient();
  const refresh = useRefreshConnections();
  useBridgeEvent('connections:changed', ({ reason }) => {
    if (reason === 'profiles') {
      void queryClient.invalidateQueries({ queryKey: connectionKeys.profiles });
    }
    refresh();
  });
  useBridgeEvent('settings:changed', (settings: Settings) => {
    const shown = queryClient.getQueryData<ConnectionList>(connectionKeys.list);
    // '' means "the connection's default region", which only the core knows: re-read then too.
    if (
      shown &&
      (shown.activeId !== settings.activeConnectionId ||
        shown.activeRegion !== settings.activeRegion)
    ) {
      refresh();
    }
  });
}
