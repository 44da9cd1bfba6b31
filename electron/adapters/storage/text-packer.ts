// The raw CloudTrail records' compressed form: each text deflated (raw DEFLATE, level 1) on its
// own, so one record reads back without its neighbours, with a preset dictionary of what every
// metering record repeats (its keys and fixed values), which a lone record cannot draw on
// otherwise. Packing runs on a worker thread: a bulk load's texts (about 9 KB a usage call) are
// deflated on the second core while main parses the next batch and the database writes the
// last, and the database then writes about a thirteenth of the bytes. Unpacking is synchronous:
// one record for the raw view, or the database's own `inflate_text` function, which main runs
// when SQL reads the raw column.
import { Worker } from 'node:worker_threads';
import { inflateRawSync } from 'node:zlib';
import { createRawDeflater, type RawDeflater } from './raw-deflater';

/** Level 1: several hundred MB/s; higher levels gain ~10% for twice the time. */
export const PACK_LEVEL = 1;

/**
 * The first byte of a text packed with RAW_DICTIONARY_V1. As the first byte of a raw DEFLATE
 * stream it would name the reserved block type 3, so it cannot be mistaken for a text packed
 * without a dictionary (schema-3 caches written before the dictionary), which read as before.
 */
export const DICTIONARY_V1 = 0x06;

/**
 * What CloudTrail's BatchMeterUsage and MeterUsage records repeat (AWS-FACTS §2.6 layout), the
 * most repeated last. Never change it: packed records need these exact bytes to read back; a
 * better dictionary takes a new first byte.
 */
export const RAW_DICTIONARY_V1 =
  '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"","arn":"arn:aws:iam::",' +
  '"accountId":"","accessKeyId":"","userName":""},"eventTime":"",' +
  '"eventSource":"metering-marketplace.amazonaws.com","eventName":"BatchMeterUsage",' +
  '"awsRegion":"us-east-1","sourceIPAddress":"","userAgent":"aws-sdk-js/3",' +
  '"requestParameters":{"usageRecords":[{"dimension":"","timestamp":"Jan 1, 2026 12:00:00 AM",' +
  '"customerIdentifier":"","customerAWSAccountID":"","licenseArn":"arn:aws:license-manager::",' +
  '"quantity":0,"usageAllocations":[{"allocatedUsageQuantity":0,"tags":[{"key":"","value":""}]}]}],' +
  '"productCode":""},"responseElements":{"results":[{"usageRecord":{"dimension":"",' +
  '"timestamp":"","customerIdentifier":"","quantity":0},"meteringRecordId":"","status":"Success"},' +
  '{"usageRecord":{"dimension":"","timestamp":"","customerAWSAccountID":"",' +
  '"licenseArn":"arn:aws:license-manager::","quantity":0},"meteringRecordId":"","status":"Success"}],' +
  '"unprocessedRecords":[]},"requestID":"","eventID":"","readOnly":false,"eventType":"AwsApiCall",' +
  '"managementEvent":true,"recipientAccountId":"","eventCategory":"Management"}';

const dictionary = Buffer.from(RAW_DICTIONARY_V1, 'utf8');

/** This thread's compressor, made on first use (raw-deflater.ts). */
let deflater: RawDeflater | null = null;
const compressor = (): RawDeflater =>
  (deflater ??= createRawDeflater({ level: PACK_LEVEL, dictionary }));

/** DEFLATE bytes written after a first byte left for it: that byte names the dictionary. */
function withDictionaryByte(out: Uint8Array): Uint8Array {
  out[0] = DICTIONARY_V1;
  return out;
}

export function packTextSync(text: string): Uint8Array {
  return withDictionaryByte(compressor().deflate(text, 1));
}

/** packTextSync of the text whose UTF-8 bytes these are. */
export function packUtf8Sync(bytes: Uint8Array): Uint8Array {
  return withDictionaryByte(compressor().deflateBytes(bytes, 1));
}

export function unpackText(bytes: Uint8Array): string {
  const text =
    bytes[0] === DICTIONARY_V1
      ? inflateRawSync(bytes.subarray(1), { dictionary })
      : inflateRawSync(bytes);
  return text.toString('utf8');
}

// Plain JavaScript evaluated by the worker, so it runs the same from sources, tests and the
// packaged app (no module of ours to locate on disk); it packs as packTextSync does.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { deflateRawSync } = require('node:zlib');
const dictionary = Buffer.from(workerData.dictionary, 'utf8');
function pack(text) {
  const body = deflateRawSync(Buffer.from(text, 'utf8'), { level: workerData.level, dictionary });
  const out = new Uint8Array(body.length + 1);
  out[0] = workerData.first;
  out.set(body, 1);
  return out;
}
parentPort.on('message', ({ id, texts }) => {
  try {
    const packed = texts.map(pack);
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
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { dictionary: RAW_DICTIONARY_V1, level: PACK_LEVEL, first: DICTIONARY_V1 },
    });
    // An idle packer does not keep the process alive; one with work to answer does.
    w.unref();
    w.on('message', (reply: Reply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
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
        const w = started();
        w.ref();
        w.postMessage({ id, texts });
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
