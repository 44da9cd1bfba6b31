// Messages between the core and the CSV import worker. The core sends the file in parts, one per
// turn of its event loop, and answers the worker's sent-index questions (the journal lives in the
// core) a bounded number of keys at a time; the worker sends the result back in slices, one at a
// time: the core asks for the next slice only after a turn of its event loop (a port delivers
// every queued message in one go, which would hold the core for the whole result). So no single
// step of an import holds the core for long, however big the file.
import type { AppErrorShape } from '../../../shared/errors';
import type { ImportRow } from '../../../shared/channels/metering';
import type { ImportOptions, ImportResult } from '../../services/metering/csv-import';

export type ImportJobOptions = Omit<ImportOptions, 'sentIndex'>;

export type ToWorker =
  /** One part of the file, in order. */
  | { type: 'text'; text: string }
  /** The file is complete: import it. */
  | { type: 'import'; options: ImportJobOptions }
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

/** Sent-index keys per question: the core looks each batch up in one go. */
export const LOOKUP_KEYS_PER_MESSAGE = 5_000;

/** Characters per part of the file sent to the worker (a part is one copy across the thread). */
export const TEXT_CHARS_PER_MESSAGE = 1_000_000;
