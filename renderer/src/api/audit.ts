// Hooks for the Audit screen. Rows come window by window (main filters and sorts a cache that
// can hold a million rows; only what is on screen crosses the bridge). Everything refreshes
// when main says the cache changed (audit:changed) or a sync moved on (audit:progress).
import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { useState } from 'react';
import type { AuditAggregateInput, AuditFilter, AuditSort } from '../../../shared/audit';
import type { AuditSyncMode, AuditSyncStatus } from '../../../shared/channels/audit';
import type { ChannelInput, ChannelOutput, TaskProgress } from '../../../shared/contract';
import { request, useBridgeEvent } from './queries';

export const auditKeys = {
  all: ['audit'] as const,
  info: ['audit', 'info'] as const,
  completeness: (days: number) => ['audit', 'completeness', days] as const,
  window: (filter: AuditFilter, sort: AuditSort | undefined, page: number, size: number) =>
    ['audit', 'window', filter, sort ?? null, page, size] as const,
  aggregate: (filter: AuditFilter, input: AuditAggregateInput) =>
    ['audit', 'aggregate', filter, input] as const,
  raw: (eventId: string) => ['audit', 'raw', eventId] as const,
  unseen: (grace: number) => ['audit', 'unseen', grace] as const,
  savedQueries: ['audit', 'sql-saved'] as const,
};

export type AuditWindow = ChannelOutput<'audit:query'>;

function invalidateAll(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: auditKeys.all });
}

/**
 * Follows the running sync (audit:progress) and refreshes cached answers when the cache
 * changes. Returns the latest sync status seen.
 */
export function useAuditLive(): AuditSyncStatus | null {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<AuditSyncStatus | null>(null);
  useBridgeEvent('audit:progress', (next) => {
    setStatus(next);
    if (next.state !== 'running') invalidateAll(queryClient);
  });
  useBridgeEvent('audit:changed', () => invalidateAll(queryClient));
  useBridgeEvent('journal:changed', () => {
    void queryClient.invalidateQueries({ queryKey: ['audit', 'unseen'] });
    void queryClient.invalidateQueries({ queryKey: ['audit', 'window'] });
  });
  return status;
}

export function useAuditInfo() {
  return useQuery({
    queryKey: auditKeys.info,
    queryFn: () => request('audit:info', {}),
    staleTime: 5_000,
  });
}

export function useAuditCompleteness(days: number) {
  return useQuery({
    queryKey: auditKeys.completeness(days),
    queryFn: () => request('audit:completeness', { days }),
    placeholderData: keepPreviousData,
  });
}

/** Query options for one page of rows (page × size … + size). */
export function auditWindowQuery(
  filter: AuditFilter,
  sort: AuditSort | undefined,
  page: number,
  size: number,
) {
  return {
    queryKey: auditKeys.window(filter, sort, page, size),
    queryFn: (): Promise<AuditWindow> =>
      request('audit:query', {
        filter,
        ...(sort === undefined ? {} : { sort }),
        offset: page * size,
        limit: size,
      }),
    staleTime: 60_000,
  };
}

export function useAuditAggregate(filter: AuditFilter, input: AuditAggregateInput) {
  return useQuery({
    queryKey: auditKeys.aggregate(filter, input),
    queryFn: () => request('audit:aggregate', { filter, aggregate: input }),
    placeholderData: keepPreviousData,
  });
}

export function useAuditRaw(eventId: string | null) {
  return useQuery({
    queryKey: auditKeys.raw(eventId ?? ''),
    queryFn: () => request('audit:raw', { eventId: eventId ?? '' }),
    enabled: eventId !== null,
    staleTime: Infinity,
  });
}

export function useAuditUnseen(graceMinutes: number) {
  return useQuery({
    queryKey: auditKeys.unseen(graceMinutes),
    queryFn: () => request('audit:unseen', { graceMinutes }),
    // "Not yet seen" depends on the clock as well as on the data.
    refetchInterval: 60_000,
  });
}

export function useAuditSyncStart() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { regions?: string[]; mode: AuditSyncMode }) =>
      request('audit:sync-start', input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: auditKeys.info }),
  });
}

export function useAuditSyncCancel() {
  return useMutation({
    mutationFn: (taskId: string) => request('audit:sync-cancel', { taskId }),
  });
}

export function useAuditExport() {
  return useMutation({
    mutationFn: (input: { filter: AuditFilter; sort?: AuditSort; format: 'csv' | 'json' }) =>
      request('audit:export', input),
  });
}

export function useAuditEvidence() {
  return useMutation({
    mutationFn: (input: ChannelInput<'audit:evidence'>) => request('audit:evidence', input),
  });
}

export function useAuditClear() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => request('audit:clear', { confirm: 'CLEAR' }),
    onSuccess: () => invalidateAll(queryClient),
  });
}

/**
 * The move of an older audit cache into its database, while it runs (main reports it on
 * task:progress the first time the screen opens after an upgrade); null otherwise.
 */
export function useAuditMigration(): TaskProgress | null {
  const [progress, setProgress] = useState<TaskProgress | null>(null);
  useBridgeEvent('task:progress', (event) => {
    if (event.kind === 'audit:migrate') setProgress(event.finished ? null : event);
  });
  return progress;
}

// ---- the Query tab ------------------------------------------------------------------------------

export function useAuditSql() {
  return useMutation({
    mutationFn: (input: ChannelInput<'audit:sql'>) => request('audit:sql', input),
  });
}

export function useAuditSqlCancel() {
  return useMutation({
    mutationFn: (queryId: string) => request('audit:sql-cancel', { queryId }),
  });
}

export function useAuditSqlExport() {
  return useMutation({
    mutationFn: (input: ChannelInput<'audit:sql-export'>) => request('audit:sql-export', input),
  });
}

export function useAuditSavedQueries() {
  return useQuery({
    queryKey: auditKeys.savedQueries,
    queryFn: () => request('audit:sql-saved', {}),
    staleTime: Infinity,
  });
}

export function useAuditSaveQuery() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'audit:sql-save'>) => request('audit:sql-save', input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: auditKeys.savedQueries }),
  });
}

export function useAuditDeleteQuery() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request('audit:sql-delete', { id }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: auditKeys.savedQueries }),
  });
}
