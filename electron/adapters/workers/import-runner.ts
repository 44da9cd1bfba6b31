// Runs CSV imports in worker threads, so parsing and validating a 200,000-row file never holds
// the core (every other request keeps answering meanwhile). One worker per import: its memory is
// returned when the import ends, and two imports run side by side.
import type { ImportRow } from '../../../shared/channels/metering';
import { AppError } from '../../../shared/errors';
import type { CsvImporter, ImportResult } from '../../services/metering/csv-import';
import { TEXT_CHARS_PER_MESSAGE, type FromWorker, type ToWorker } from './import-protocol';
import { startWorker, type WorkerEntry } from './start-worker';

/** The file in pieces of at most TEXT_CHARS_PER_MESSAGE characters, in order. */
function pieces(parts: readonly string[]): string[] {
  return parts.flatMap((part) => {
    const out: string[] = [];
    for (let at = 0; at < part.length; at += TEXT_CHARS_PER_MESSAGE) {
      out.push(part.slice(at, at + TEXT_CHARS_PER_MESSAGE));
    }
    return out;
  });
}

/**
 * Errors of a worker whose code could not be loaded (its file missing or unreadable where the
 * app is installed), as opposed to one that failed while importing.
 */
function couldNotLoad(error: Error): boolean {
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && /^ERR_(MODULE|WORKER|UNKNOWN_FILE|REQUIRE)/.test(code);
}

export function createWorkerCsvImporter(
  entry: WorkerEntry,
  options: {
    /**
     * Imports in-process when the worker's code cannot be loaded at all, so a broken install
     * costs the core's responsiveness during an import, not the import.
     */
    fallback?: CsvImporter;
    /** Told why, each time the fallback ran. */
    onFallback?: (reason: string) => void;
  } = {},
): CsvImporter {
  const { fallback, onFallback } = options;
  return (parts, importOptions) =>
    new Promise<ImportResult>((resolve, reject) => {
      const { sentIndex, ...jobOptions } = importOptions;
      const worker = startWorker(entry);
      const send = (message: ToWorker): void => worker.postMessage(message);
      let head: Extract<FromWorker, { type: 'head' }> | null = null;
      const rows: ImportRow[] = [];
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        void worker.terminate();
        outcome();
      };
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'lookup':
            sentIndex.lookup(message.keys).then(
              (found) => send({ type: 'sent', lookupId: message.lookupId, entries: [...found] }),
              (error: unknown) =>
                finish(() => reject(error instanceof Error ? error : new Error(String(error)))),
            );
            return;
          case 'head':
            head = message;
            setImmediate(() => send({ type: 'more' }));
            return;
          case 'rows':
            for (const row of message.rows) rows.push(row);
            // The next slice after a turn of the event loop: other requests go first.
            setImmediate(() => send({ type: 'more' }));
            return;
          case 'done':
            finish(() =>
              head
                ? resolve({ ...head.result, rows })
                : reject(new AppError('INTERNAL', 'The import worker sent no result.')),
            );
            return;
          case 'failed': {
            const { code, message: text, ...extra } = message.error;
            finish(() => reject(new AppError(code, text, extra)));
            return;
          }
        }
      });
      worker.on('error', (error) =>
        finish(() => {
          if (fallback && couldNotLoad(error)) {
            onFallback?.(error.message);
            fallback(parts, importOptions).then(resolve, reject);
            return;
          }
          reject(
            new AppError('INTERNAL', `The import worker failed: ${error.message}`, {
              cause: error,
            }),
          );
        }),
      );
      worker.on('exit', (code) =>
        finish(() =>
          reject(
            new AppError('INTERNAL', `The import worker stopped (exit code ${String(code)}).`),
          ),
        ),
      );
      // One piece per turn of the event loop: each copy across the thread is a short step.
      const queue = pieces(parts);
      const sendText = (): void => {
        if (settled) return;
        const next = queue.shift();
        if (next === undefined) {
          send({ type: 'import', options: jobOptions });
          return;
        }
        send({ type: 'text', text: next });
        setImmediate(sendText);
      };
      sendText();
    });
}
