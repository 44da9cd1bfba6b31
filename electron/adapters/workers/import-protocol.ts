// Messages between the core and the CSV import worker. The core sends the file and answers the
// worker's sent-index questions (the journal lives in the core); the worker sends the result back
// in slices, one at a time: the core asks for the next slice only after a turn of its event loop
// (a port delivers every queued message in one go, which would hold the core for the whole
// result).
import type { AppErrorShape } from '../../../shared/errors';
import type { ImportRow } from '../../../shared/channels/metering';
import type { ImportOptions, ImportResult } from '../../services/metering/csv-import';

export type ImportJobOptions = Omit<ImportOptions, 'sentIndex'>;

export type ToWorker =
  | { type: 'import'; text: string; options: ImportJobOptions }
  | { type: 'sent'; lookupId: number; entries: [string, number][] }
  /** The core took the last slice in: send the next. */
  | { type: 'more' };

export type FromWorker =
  | { type: 'lookup'; lookupId: number; keys: string[] }
  | { type: 'head'; result: Omit<ImportResult, 'rows'>; rowCount: number }
  | { type: 'rows'; rows: ImportRow[] }
  | { type: 'done' }
  | { type: 'failed'; error: AppErrorShape };

/** Rows per message: small enough that receiving one never holds the core for long. */
export const ROWS_PER_MESSAGE = 1_000;
