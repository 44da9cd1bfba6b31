// TanStack Query hooks for the Corrections screen: the case list, one case (re-read while
// something it sent is in flight), and the actions. Lists refresh on corrections:changed.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CaseView } from '../../../shared/channels/corrections';
import type { ChannelInput } from '../../../shared/contract';
import type { BillingRun } from './metering-submit';
import { request, useBridgeEvent } from './queries';

export const correctionsKeys = {
  list: ['corrections:list'] as const,
  customers: (query: string) => ['corrections:customers', query] as const,
  case: (caseId: string) => ['corrections:get', caseId] as const,
};

/** How often an open case is re-read while a refund or top-up is in flight. */
const IN_FLIGHT_POLL_MS = 1_500;

export function useCorrectionsSync(): void {
  const queryClient = useQueryClient();
  useBridgeEvent('corrections:changed', ({ caseId }) => {
    void queryClient.invalidateQueries({ queryKey: correctionsKeys.list });
    void queryClient.invalidateQueries({ queryKey: correctionsKeys.case(caseId) });
  });
}

export function useCaseList() {
  return useQuery({
    queryKey: correctionsKeys.list,
    queryFn: () => request('corrections:list', {}),
    staleTime: 5_000,
    // A case that is sent moves on by itself (PENDING → COMPLETED): keep its row up to date.
    refetchInterval: (query) =>
      query.state.data?.cases.some((c) => c.state === 'sent') === true ? IN_FLIGHT_POLL_MS : false,
  });
}

export function useKnownCustomers(query: string) {
  return useQuery({
    queryKey: correctionsKeys.customers(query),
    queryFn: () => request('corrections:customers', { query }),
    staleTime: 60_000,
  });
}

export function useCase(caseId: string | null) {
  return useQuery({
    queryKey: correctionsKeys.case(caseId ?? ''),
    queryFn: () => request('corrections:get', { caseId: caseId ?? '' }),
    enabled: caseId !== null,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.state === 'sent' ? IN_FLIGHT_POLL_MS : false),
  });
}

/**
 * An action whose answer is the case: it replaces the cached case and refreshes the list. A
 * billing action that the user cancelled at the confirmation answers null and changes nothing.
 */
function useCaseAction<I>(run: (input: I) => Promise<CaseView | null>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (view) => {
      if (view === null) return;
      queryClient.setQueryData(correctionsKeys.case(view.caseId), view);
      void queryClient.invalidateQueries({ queryKey: correctionsKeys.list });
    },
  });
}

export const useOpenCase = () =>
  useCaseAction((input: ChannelInput<'corrections:open'>) => request('corrections:open', input));

export const useRefreshCase = () =>
  useCaseAction((caseId: string) => request('corrections:get', { caseId }));

export const useSetUsage = () =>
  useCaseAction((input: ChannelInput<'corrections:set-usage'>) =>
    request('corrections:set-usage', input),
  );

/** Sends the proposal through the billing confirmation (asked by main off the Sandbox). */
export const useSendCase = (billing: BillingRun) =>
  useCaseAction((input: { caseId: string; proposalId: string }) =>
    billing((answer) => request('corrections:send', { ...input, ...answer })),
  );

export const useResumeCase = (billing: BillingRun) =>
  useCaseAction((caseId: string) =>
    billing((answer) => request('corrections:resume', { caseId, ...answer })),
  );

export function useParseUsage() {
  return useMutation({
    mutationFn: (input: ChannelInput<'corrections:parse-usage'>) =>
      request('corrections:parse-usage', input),
  });
}

export function useExportRecord() {
  return useMutation({
    mutationFn: (caseId: string) => request('corrections:export', { caseId }),
  });
}

export function useClosePeriod() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => request('corrections:sandbox-close-period', {}),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['corrections:get'] }),
  });
}
