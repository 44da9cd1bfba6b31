// The customer directory of the active connection's account (ids linked, names where known).
// Refreshed when a token is resolved (a new link) or the connection changes.
import { useQuery } from '@tanstack/react-query';
import type { CustomerDirectory } from '../../../shared/channels/customer-directory';
import { request } from './queries';

export const directoryKeys = {
  all: ['customers:directory'] as const,
  one: (connectionId: string) => ['customers:directory', connectionId] as const,
};

export function useCustomerDirectory(connectionId: string | undefined) {
  return useQuery<CustomerDirectory>({
    queryKey: directoryKeys.one(connectionId ?? ''),
    queryFn: () => request('customers:directory', {}),
    enabled: connectionId !== undefined,
    staleTime: 60_000,
  });
}
