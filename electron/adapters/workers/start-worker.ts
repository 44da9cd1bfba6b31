// Starting a worker thread from its built file, or (tests, benchmarks) from its TypeScript source.
import { Worker } from 'node:worker_threads';

/** Where a worker's code is: the built file, or its TypeScript source. */
export type WorkerEntry = { url: URL; typescript?: boolean };

export function startWorker(entry: WorkerEntry): Worker {
  if (!entry.typescript) return new Worker(entry.url);
  // TypeScript sources run through tsx, registered inside the thread before the entry loads.
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.url.href)}); })`;
  return new Worker(bootstrap, { eval: true });
}
