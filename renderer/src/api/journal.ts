// Hooks for the Journal screen: query (one page of rows), one submission, export, verify,
// interrupted submissions. Lists refresh when the journal gains lines (journal:changed).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { JournalFilter } from '../../../shared/channels/journal';
import { request, useBridgeEvent } from './queries';

export const journalKeys = {
  query: (filter: JournalFilter, offset: number, limit: number) =>
    ['journal:query', filter, offset, limit] as const,
  submission: (id: string) => ['journal:submission', id] as const,
  interrupted: ['journal:interrupted'] as const,
  verify: ['journal:verify'] as const,
};

/** Refreshes journal lists when main appends (throttled by react-query's own dedup). */
export function useJournalSync(): void {
  const queryClient = useQueryClient();
  useBridgeEvent('journal:changed', () => {
    void queryClient.invalidateQueries({ queryKey: ['journal:query'] });
    void queryClient.invalidateQueries({ queryKey: journalKeys.interrupted });
    void queryClient.invalidateQueries({ queryKey: ['journal:submission'] });
  });
}

export function useJournalQuery(filter: JournalFilter, offset = 0, limit = 500) {
  return useQuery({
    queryKey: journalKeys.query(filter, offset, limit),
    queryFn: () => request('journal:query', { filter, offset, limit }),
    placeholderData: keepPreviousData,
    staleTime: 2_000,
  });
}

export function useJournalSubmission(submissionId: string | null) {
  return useQuery({
    queryKey: journalKeys.submission(submissionId ?? ''),
    queryFn: () => request('journal:submission', { submissionId: submissionId ?? '' }),
    enabled: submissionId !== null,
    // A running submission's details are read again each second until it ends, so they never
    // stay "running" if the change event arrived before its last journal line.
    refetchInterval: (query) => (query.state.data?.state === 'running' ? 1_000 : false),
  });
}

export function useInterruptedSubmissions() {
  return useQuery({
    queryKey: journalKeys.interrupted,
    queryFn: () => request('journal:interrupted', {}),
    staleTime: 0,
  });
}

export function useJournalVerify() {
  return useQuery({
    queryKey: journalKeys.verify,
    queryFn: () => request('journal:verify', {}),
    staleTime: 0,
  });
}

/** Archives a damaged journal and starts a new one; every journal view then reads again. */
export function useArchiveJournal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => request('journal:archive-restart', {}),
    onSuccess: () => {
      for (const key of ['journal:verify', 'journal:query', 'journal:interrupted']) {
        void queryClient.invalidateQueries({ queryKey: [key] });
      }
    },
  });
}

export function useJournalExport() {
  return useMutation({
    mutationFn: (input: { filter: JournalFilter; format: 'csv' | 'json' }) =>
      request('journal:export', input),
  });
}
