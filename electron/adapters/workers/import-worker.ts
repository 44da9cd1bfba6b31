// The CSV import worker thread: parses, aggregates and validates one file off the core's thread.
// It asks the core about already-sent records (the journal lives there) and sends the result back
// in slices. Built as its own entry (out/main/import-worker.js) beside the composition roots.
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../../shared/errors';
import { importUsageCsv } from '../../services/metering/csv-import';
import type { SentRecordsIndex } from '../../services/metering/validate';
import {
  LOOKUP_KEYS_PER_MESSAGE,
  ROWS_PER_MESSAGE,
  type FromWorker,
  type ToWorker,
} from './import-protocol';

const port = parentPort;
if (!port) throw new Error('import-worker must run in a worker thread');

const post = (message: FromWorker): void => port.postMessage(message);
const pendingLookups = new Map<number, (entries: [string, number][]) => void>();
let nextLookup = 0;
let sendNextSlice: (() => void) | null = null;
let parts: string[] = [];

function ask(keys: string[]): Promise<[string, number][]> {
  return new Promise((resolve) => {
    nextLookup += 1;
    pendingLookups.set(nextLookup, resolve);
    post({ type: 'lookup', lookupId: nextLookup, keys });
  });
}

/** The core's sent index, asked a batch of keys at a time so each answer is a short step there. */
const sentIndex: SentRecordsIndex = {
  async lookup(keys) {
    const found = new Map<string, number>();
    for (let at = 0; at < keys.length; at += LOOKUP_KEYS_PER_MESSAGE) {
      for (const [key, quantity] of await ask(keys.slice(at, at + LOOKUP_KEYS_PER_MESSAGE))) {
        found.set(key, quantity);
      }
    }
    return found;
  },
};

async function runImport(message: Extract<ToWorker, { type: 'import' }>): Promise<void> {
  const text = parts.join('');
  parts = [];
  try {
    const result = await importUsageCsv(text, { ...message.options, sentIndex });
    const { rows, ...head } = result;
    post({ type: 'head', result: head, rowCount: rows.length });
    let at = 0;
    sendNextSlice = () => {
      if (at >= rows.length) {
        sendNextSlice = null;
        post({ type: 'done' });
        return;
      }
      post({ type: 'rows', rows: rows.slice(at, at + ROWS_PER_MESSAGE) });
      at += ROWS_PER_MESSAGE;
    };
  } catch (error: unknown) {
    post({
      type: 'failed',
      error:
        error instanceof AppError
          ? error.toShape()
          : {
              code: 'INTERNAL',
              message: `The import stopped: ${error instanceof Error ? error.message : String(error)}`,
            },
    });
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'sent') {
    pendingLookups.get(message.lookupId)?.(message.entries);
    pendingLookups.delete(message.lookupId);
    return;
  }
  if (message.type === 'more') {
    sendNextSlice?.();
    return;
  }
  if (message.type === 'text') {
    parts.push(message.text);
    return;
  }
  void runImport(message);
});
