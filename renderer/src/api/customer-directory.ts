// The customer directory of the active connection's account (ids linked, names where known).
// Refreshed when a token is resolved, the connection changes, or what it links from changes:
// the journal (answers echoing an account id) or the CloudTrail cache (records and echoes).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { CustomerDirectory } from '../../../shared/channels/customer-directory';
import { request, useBridgeEvent } from './queries';

export const directoryKeys = {
  all: ['customers:directory'] as const,
  one: (connectionId: string) => ['customers:directory', connectionId] as const,
};

export function useCustomerDirectory(connectionId: string | undefined) {
  const queryClient = useQueryClient();
  const refresh = (): void => void queryClient.invalidateQueries({ queryKey: directoryKeys.all });
  useBridgeEvent('audit:changed', refresh);
  useBridgeEvent('journal:changed', refresh);
  return useQuery<CustomerDirectory>({
    queryKey: directoryKeys.one(connectionId ?? ''),
    queryFn: () => request('customers:directory', {}),
    enabled: connectionId !== undefined,
    staleTime: 60_000,
  });
}
