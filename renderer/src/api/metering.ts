// TanStack Query hooks for the metering input side: catalog, CSV import (sent in parts so no
// call exceeds the bridge's body cap), import pages, the plan (preview) and submit.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CSV_PART_MAX_CHARS, type ImportRow } from '../../../shared/channels/metering';
import type { ChannelInput, ChannelOutput } from '../../../shared/contract';
import type { Product } from '../../../shared/metering';
import { request, useBridgeEvent } from './queries';

export const meteringKeys = {
  catalog: ['metering:catalog-list'] as const,
  sentIndex: (keys: readonly string[]) => ['journal:sent-index', ...keys] as const,
  importRows: (handle: string, filter: 'ready' | 'review') =>
    ['metering:import-rows', handle, filter] as const,
};

export type CatalogView = ChannelOutput<'metering:catalog-list'>;
export type ImportCsvDone = Extract<ChannelOutput<'metering:import-csv'>, { status: 'done' }>;
export type PlanOutput = ChannelOutput<'metering:plan'>;

export function useCatalog() {
  return useQuery<CatalogView>({
    queryKey: meteringKeys.catalog,
    queryFn: () => request('metering:catalog-list', {}),
  });
}

/** Everything records may refer to: the user's products, then the sandbox's. */
export function allProducts(view: CatalogView | undefined): Product[] {
  return view ? [...view.user, ...view.sandbox] : [];
}

export function useSaveCatalog() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (products: Product[]) => request('metering:catalog-save', { products }),
    onSuccess: (view) => queryClient.setQueryData(meteringKeys.catalog, view),
  });
}

export function useImportCatalog() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'metering:catalog-import'>) =>
      request('metering:catalog-import', input),
    onSuccess: (result) => queryClient.setQueryData(meteringKeys.catalog, result.catalog),
  });
}

export function useExportCatalog() {
  return useMutation({ mutationFn: () => request('metering:catalog-export', {}) });
}

export function useCsvTemplate() {
  return useMutation({
    mutationFn: (productId: string | undefined) =>
      request('metering:csv-template', productId === undefined ? {} : { productId }),
  });
}

export type ImportCsvRequest = {
  text: string;
  fileName: string;
  aggregate: boolean;
  defaultProductId?: string;
  /** The zone for the file's zone-less times (UTC, +02:00, Europe/Berlin); absent = none chosen. */
  zone?: string;
};

/** Sends the file in parts of at most CSV_PART_MAX_CHARS; main parses once it has them all. */
export async function importCsv(input: ImportCsvRequest): Promise<ImportCsvDone> {
  const { text } = input;
  let uploadId: string | undefined;
  let offset = 0;
  const base = {
    fileName: input.fileName,
    aggregate: input.aggregate,
    ...(input.defaultProductId !== undefined ? { defaultProductId: input.defaultProductId } : {}),
    ...(input.zone !== undefined ? { zone: input.zone } : {}),
  };
  while (text.length - offset > CSV_PART_MAX_CHARS) {
    const part = text.slice(offset, offset + CSV_PART_MAX_CHARS);
    offset += CSV_PART_MAX_CHARS;
    const answer = await request('metering:import-csv', {
      ...base,
      text: part,
      more: true,
      ...(uploadId !== undefined ? { uploadId } : {}),
    });
    if (answer.status !== 'partial')
      throw new Error('The import ended before the whole file was sent.');
    uploadId = answer.uploadId;
  }
  const answer = await request('metering:import-csv', {
    ...base,
    text: text.slice(offset),
    ...(uploadId !== undefined ? { uploadId } : {}),
  });
  if (answer.status !== 'done') throw new Error('The import did not finish.');
  return answer;
}

export function useImportCsv() {
  return useMutation({ mutationFn: importCsv });
}

export function fetchImportRows(input: ChannelInput<'metering:import-rows'>) {
  return request('metering:import-rows', input);
}

/** How often the screen tells main it still shows an import (main frees it after IMPORT_IDLE_MS). */
export const IMPORT_KEEP_ALIVE_MS = 60_000;

export function keepImports(handles: string[]) {
  return request('metering:import-keep', { handles });
}

/** Ready rows of the open import that share a dedup key with editor records, by key. */
export function useImportCollisions(handle: string | undefined, keys: readonly string[]) {
  return useQuery<ReadonlyMap<string, ImportRow>>({
    queryKey: ['metering:import-collisions', handle ?? '', ...keys],
    enabled: handle !== undefined && keys.length > 0,
    staleTime: Infinity,
    queryFn: async () => {
      const answer = await request('metering:import-collisions', {
        handle: handle ?? '',
        keys: [...keys],
      });
      return new Map(answer.rows.map((row) => [row.key ?? '', row]));
    },
  });
}

export function closeImport(handle: string) {
  return request('metering:import-close', { handle });
}

export function usePlan() {
  return useMutation({
    mutationFn: (input: ChannelInput<'metering:plan'>) => request('metering:plan', input),
  });
}

export function useSubmit() {
  return useMutation({
    mutationFn: (input: ChannelInput<'metering:submit'>) => request('metering:submit', input),
  });
}

/**
 * What this app already sent for these dedup keys (from the journal), as key → quantity. An
 * unavailable journal answers "nothing known" rather than blocking the editor; main checks again
 * before anything is sent.
 */
export function useSentIndex(keys: readonly string[], connectionId: string | undefined) {
  const queryClient = useQueryClient();
  // Every journal line can change what was sent, whoever sent it (this screen, another window, a
  // correction): the flags follow at once rather than when the index read at preview goes stale.
  useBridgeEvent('journal:changed', () => {
    void queryClient.invalidateQueries({ queryKey: ['journal:sent-index'] });
  });
  return useQuery<ReadonlyMap<string, number>>({
    queryKey: [...meteringKeys.sentIndex(keys), connectionId ?? ''],
    enabled: keys.length > 0,
    staleTime: 10_000,
    queryFn: async () => {
      try {
        const answer = await request('journal:sent-index', {
          keys: [...keys],
          ...(connectionId !== undefined ? { connectionId } : {}),
        });
        return new Map(answer.entries.map((e) => [e.key, e.quantity]));
      } catch {
        return new Map();
      }
    },
  });
}
