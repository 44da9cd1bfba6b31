// The raw CloudTrail records' compressed form: each text deflated (raw DEFLATE, level 1) on its
// own, so one record reads back without its neighbours. Packing runs on a worker thread: a bulk
// load's texts (about 9 KB a usage call) are deflated on the second core while main parses the
// next batch and the database writes the last, and the database then writes a ninth of the
// bytes. Unpacking is synchronous: one record for the raw view, or the database's own
// `inflate_text` function, which main runs when SQL reads the raw column.
import { Worker } from 'node:worker_threads';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** Level 1: ~9× smaller on CloudTrail records at several hundred MB/s; higher levels gain ~8%. */
export const PACK_LEVEL = 1;

export function packTextSync(text: string): Uint8Array {
  return deflateRawSync(Buffer.from(text, 'utf8'), { level: PACK_LEVEL });
}

export function unpackText(bytes: Uint8Array): string {
  return inflateRawSync(bytes).toString('utf8');
}

// Plain JavaScript evaluated by the worker, so it runs the same from sources, tests and the
// packaged app (no module of ours to locate on disk).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { deflateRawSync } = require('node:zlib');
parentPort.on('message', ({ id, texts }) => {
  try {
    const packed = texts.map((t) => deflateRawSync(Buffer.from(t, 'utf8'), { level: ${String(PACK_LEVEL)} }));
    parentPort.postMessage({ id, packed }, packed.map((b) => b.buffer));
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) });
  }
});
`;

type Reply = { id: number; packed?: Uint8Array[]; error?: string };
type Pending = { resolve: (packed: Uint8Array[]) => void; reject: (error: Error) => void };

export type TextPacker = {
  pack: (texts: readonly string[]) => Promise<Uint8Array[]>;
  close: () => Promise<void>;
};

/** Texts below this many are packed in place: a worker round trip costs more than they do. */
const IN_PLACE_MAX = 8;

export function createTextPacker(): TextPacker {
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, Pending>();

  const failAll = (error: Error): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker = null;
  };

  function started(): Worker {
    if (worker) return worker;
    const w = new Worker(WORKER_SOURCE, { eval: true });
    // An idle packer does not keep the process alive.
    w.unref();
    w.on('message', (reply: Reply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if (reply.packed) waiting.resolve(reply.packed);
      else waiting.reject(new Error(`Packing raw records failed: ${reply.error ?? 'no answer'}`));
    });
    w.on('error', (error) => failAll(error));
    w.on('exit', (code) => {
      if (worker === w)
        failAll(new Error(`The record packer stopped (exit code ${String(code)}).`));
    });
    worker = w;
    return w;
  }

  return {
    pack(texts) {
      if (texts.length <= IN_PLACE_MAX) return Promise.resolve(texts.map(packTextSync));
      const id = nextId++;
      const onWorker = new Promise<Uint8Array[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        started().postMessage({ id, texts });
      });
      // A worker that failed (or could not start) costs speed, never the records.
      return onWorker.catch(() => texts.map(packTextSync));
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
      failAll(new Error('The record packer is closed.'));
    },
  };
}
