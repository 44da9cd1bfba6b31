// A CloudTrail ingest worker thread: parses a batch of events for their scope into columns and
// packs their raw records, off the core's thread; main stores them. Built as its own entry
// (out/main/ingest-worker.js) beside the composition roots.
import { parentPort } from 'node:worker_threads';
import { transferablesOf } from '../../services/audit/parsed-columns';
import { ingestEach } from './ingest-batch';
import type { EventWithoutText, IngestReply, IngestRequest } from './ingest-protocol';
import { recordTextReader } from './record-texts';

const port = parentPort;
if (!port) throw new Error('ingest-worker must run in a worker thread');

function answer({ id, scope, events, texts }: IngestRequest): {
  reply: IngestReply;
  moved: ArrayBuffer[];
} {
  const textAt = recordTextReader(texts);
  const { columns, packed } = ingestEach(
    events.length,
    (place) => {
      const { text, utf8 } = textAt(place);
      return { event: { ...(events[place] as EventWithoutText), cloudTrailEvent: text }, utf8 };
    },
    scope,
  );
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
