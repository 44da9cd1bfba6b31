// Parses and packs CloudTrail events on worker threads (ingest-worker.ts), so a bulk load's JSON
// is read off main's thread while main stores the batch before. Batches go to the worker with the
// fewest waiting; an idle pool does not keep the process alive. A worker that fails costs speed,
// never the events: its batches are parsed and packed in place instead.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { EventIngester } from '../../services/audit/ingest';
import type { AuditScope } from '../../services/audit/scope';
import type { ParsedColumns } from '../../services/audit/parsed-columns';
import type { LookupEvent } from '../../services/audit/sync';
import { ingestBatch } from './ingest-batch';
import type { EventWithoutText, IngestReply, IngestRequest } from './ingest-protocol';
import { encodeRecordTexts } from './record-texts';
import { startWorker, type WorkerEntry } from './start-worker';

type Answer = { columns: ParsedColumns; packed: (Uint8Array | null)[] };
type Pending = { resolve: (answer: Answer) => void; reject: (error: Error) => void };
type Slot = { worker: Worker; pending: Map<number, Pending> };

/** Batches this small are done in place: a round trip to a worker costs more. */
const IN_PLACE_MAX = 8;

/** After this many failed batches the workers are not tried again (each try costs a start). */
const MAX_FAILURES = 3;

/**
 * Two workers wherever there are two cores or more. Main spends most of a bulk load waiting for
 * the database engine, whose threads take whichever core is free, so a worker per core the app
 * does not run on left the second core idle while a batch was handed over: on two cores, the
 * audit-query bench stored 4M records at 218,000–228,000/s with one worker, 248,000–253,000/s
 * with two.
 */
export const defaultIngestThreads = (): number => Math.min(2, availableParallelism());

type WorkerEventIngester = { ingest: EventIngester; close: () => Promise<void> };

/** The event's fields but its record, which crosses apart (record-texts.ts). */
function withoutText(event: LookupEvent): EventWithoutText {
  const out: EventWithoutText = { eventId: event.eventId, eventTime: event.eventTime };
  if (event.eventName !== undefined) out.eventName = event.eventName;
  if (event.eventSource !== undefined) out.eventSource = event.eventSource;
  if (event.username !== undefined) out.username = event.username;
  if (event.accessKeyId !== undefined) out.accessKeyId = event.accessKeyId;
  return out;
}

/**
 * The request for events a worker can take: records as text only (imported files come parsed
 * already, and are done in place).
 */
function requestOf(
  id: number,
  events: readonly LookupEvent[],
  scope: AuditScope,
): IngestRequest | null {
  if (events.some((e) => e.parsedRecord !== undefined)) return null;
  return {
    id,
    scope,
    events: events.map(withoutText),
    texts: encodeRecordTexts(events.map((e) => e.cloudTrailEvent)),
  };
}

export function createWorkerEventIngester(
  entry: WorkerEntry,
  options: {
    threads: number;
    /** Told why, each time a batch is parsed in place because a worker failed. */
    onFallback?: (reason: string) => void;
  },
): WorkerEventIngester {
  const slots: (Slot | null)[] = Array.from({ length: options.threads }, () => null);
  let nextId = 0;
  let closed = false;
  let failures = 0;

  function drop(index: number, error: Error): void {
    const slot = slots[index];
    if (!slot) return;
    slots[index] = null;
    for (const p of slot.pending.values()) p.reject(error);
    slot.pending.clear();
  }

  function start(index: number): Slot {
    const worker = startWorker(entry);
    const slot: Slot = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (reply: IngestReply) => {
      const waiting = slot.pending.get(reply.id);
      if (!waiting) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      if ('error' in reply) waiting.reject(new Error(`Ingesting events failed: ${reply.error}`));
      else waiting.resolve({ columns: reply.columns, packed: reply.packed });
    });
    worker.on('error', (error) => drop(index, error));
    worker.on('exit', (code) => {
      if (slots[index] === slot) {
        drop(index, new Error(`An ingest worker stopped (exit code ${String(code)}).`));
      }
    });
    slots[index] = slot;
    return slot;
  }

  /** The slot with the fewest batches waiting, started if it is not running. */
  function leastBusy(): Slot {
    let best = 0;
    let fewest = Infinity;
    slots.forEach((slot, i) => {
      const waiting = slot?.pending.size ?? 0;
      if (waiting < fewest) {
        fewest = waiting;
        best = i;
      }
    });
    return slots[best] ?? start(best);
  }

  const ingest: EventIngester = async (events, scope) => {
    const inPlace = closed || failures >= MAX_FAILURES || events.length <= IN_PLACE_MAX;
    const request = inPlace ? null : requestOf(nextId++, events, scope);
    if (request === null) return ingestBatch(events, scope);
    try {
      return await new Promise<Answer>((resolve, reject) => {
        const slot = leastBusy();
        slot.pending.set(request.id, { resolve, reject });
        slot.worker.ref();
        slot.worker.postMessage(request, [request.texts.bytes.buffer as ArrayBuffer]);
      });
    } catch (error) {
      failures++;
      const reason = error instanceof Error ? error.message : String(error);
      options.onFallback?.(
        failures >= MAX_FAILURES ? `${reason} (parsing in place from now on)` : reason,
      );
      return ingestBatch(events, scope);
    }
  };

  return {
    ingest,
    async close() {
      closed = true;
      const running = slots.filter((slot): slot is Slot => slot !== null);
      slots.fill(null);
      await Promise.all(running.map((slot) => slot.worker.terminate()));
      for (const slot of running) {
        for (const p of slot.pending.values())
          p.reject(new Error('The ingest workers are closed.'));
      }
    },
  };
}
