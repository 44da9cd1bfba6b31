// A CloudTrail ingest worker thread: parses a batch of events for their scope into columns and
// packs their raw records, off the core's thread; main stores them. Built as its own entry
// (out/main/ingest-worker.js) beside the composition roots.
import { parentPort } from 'node:worker_threads';
import { transferablesOf } from '../../services/audit/parsed-columns';
import { ingestBatch } from './ingest-batch';
import type { IngestReply, IngestRequest } from './ingest-protocol';

const port = parentPort;
if (!port) throw new Error('ingest-worker must run in a worker thread');

function answer({ id, scope, events }: IngestRequest): {
  reply: IngestReply;
  moved: ArrayBuffer[];
} {
  const { columns, packed } = ingestBatch(events, scope);
  const moved = transferablesOf(columns);
  for (const bytes of packed) if (bytes) moved.push(bytes.buffer as ArrayBuffer);
  return { reply: { id, columns, packed }, moved };
}

port.on('message', (request: IngestRequest) => {
  try {
    const { reply, moved } = answer(request);
    port.postMessage(reply, moved);
  } catch (error) {
    const reply: IngestReply = { id: request.id, error: String(error) };
    port.postMessage(reply);
  }
});
