// CSV imports run in a worker thread: the same result as in-process, the journal's sent index
// asked across the thread, errors arriving as the same AppError, and the core's own thread free
// to answer other requests while a large file is read.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { recordKey, type Product } from '../../../shared/metering';
import {
  importUsageCsv,
  importUsageCsvParts,
  type ImportOptions,
} from '../../services/metering/csv-import';
import { emptySentIndex, type SentRecordsIndex } from '../../services/metering/validate';
import { LOOKUP_KEYS_PER_MESSAGE, TEXT_CHARS_PER_MESSAGE } from './import-protocol';
import { createWorkerCsvImporter } from './import-runner';

const NOW = Date.UTC(2026, 6, 15, 12, 30);
const H1 = '2026-07-15T11:00:00Z';
const LICENSE = 'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0';
const ca: Product = {
  id: 'ca',
  name: 'Agreements SaaS',
  kind: 'saas',
  identityModel: 'concurrent-agreements',
  dimensions: [{ name: 'Requests', description: '' }],
  source: 'user',
};
const HEADER = 'product,customer_aws_account_id,license_arn,dimension,quantity,timestamp';
const account = (i: number): string => String(100_000_000_000 + i).padStart(12, '0');
const csv = (rows: number): string =>
  `${HEADER}\n${Array.from({ length: rows }, (_, i) => `ca,${account(i)},${LICENSE},Requests,${i % 7 === 0 ? '1.5' : String(i)},${H1}`).join('\n')}\n`;

const importInWorker = createWorkerCsvImporter({
  url: new URL('./import-worker.ts', import.meta.url),
  typescript: true,
});
const options = (over: Partial<ImportOptions> = {}): ImportOptions => ({
  catalog: [ca],
  now: NOW,
  sentIndex: emptySentIndex,
  aggregate: false,
  fileName: 'usage.csv',
  ...over,
});

describe('CSV import in a worker thread', () => {
  it('gives the same rows and summary as in-process, over several messages', async () => {
    // Uploaded parts end mid-line, and one is longer than a message across the thread.
    const text = csv(12_000);
    expect(text.length).toBeGreaterThan(TEXT_CHARS_PER_MESSAGE + 20_000);
    const parts = [
      text.slice(0, 10_001),
      text.slice(10_001, TEXT_CHARS_PER_MESSAGE + 20_000),
      text.slice(TEXT_CHARS_PER_MESSAGE + 20_000),
    ];
    const [inWorker, inProcess] = await Promise.all([
      importInWorker(parts, options()),
      importUsageCsv(text, options()),
    ]);
    // Everything but the time it took.
    expect({ ...inWorker.summary, milliseconds: 0 }).toEqual({
      ...inProcess.summary,
      milliseconds: 0,
    });
    expect(inWorker.rows).toEqual(inProcess.rows);
    expect(inWorker.ready).toEqual(inProcess.ready);
    expect(inWorker.review.length).toBe(1_715);
  });

  it("asks the core's sent index across the thread", async () => {
    const key = recordKey({
      operation: 'BatchMeterUsage',
      customerAwsAccountId: account(1),
      licenseArn: LICENSE,
      dimension: 'Requests',
      timestamp: H1,
    });
    const asked: string[][] = [];
    const sentIndex: SentRecordsIndex = {
      lookup: (keys) => {
        asked.push([...keys]);
        return Promise.resolve(new Map([[key, 99]]));
      },
    };
    const result = await importInWorker([csv(3)], options({ sentIndex }));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain(key);
    expect(result.rows[1]?.reasons).toEqual(['already-sent']);
  });

  it('asks a bounded number of keys at a time, and puts the answers together', async () => {
    const keyOf = (i: number): string =>
      recordKey({
        operation: 'BatchMeterUsage',
        customerAwsAccountId: account(i),
        licenseArn: LICENSE,
        dimension: 'Requests',
        timestamp: H1,
      });
    const sent = new Map([
      [keyOf(1), 1],
      [keyOf(11_000), 11_000],
    ]);
    const asked: number[] = [];
    const sentIndex: SentRecordsIndex = {
      lookup: (keys) => {
        asked.push(keys.length);
        return Promise.resolve(new Map(keys.flatMap((k) => (sent.has(k) ? [[k, 7]] : []))));
      },
    };
    const result = await importInWorker([csv(12_000)], options({ sentIndex }));
    expect(asked.length).toBeGreaterThan(1);
    expect(Math.max(...asked)).toBeLessThanOrEqual(LOOKUP_KEYS_PER_MESSAGE);
    const flagged = result.rows.filter((r) => r.reasons.includes('already-sent'));
    expect(flagged.map((r) => r.lines)).toEqual([[3], [11_002]]);
  });

  it('an error in the file arrives as the same AppError', async () => {
    const failure = await importInWorker(['a,b\n1,2\n'], options()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({
      code: 'VALIDATION',
      message: 'The file has no dimension, quantity, timestamp columns.',
    });
  });

  it("leaves the core's thread free while it works", async () => {
    const text = csv(60_000);
    let turns = 0;
    let running = true;
    const spin = (): void => {
      turns += 1;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    const result = await importInWorker([text], options());
    running = false;
    expect(result.summary.fileRows).toBe(60_000);
    // In-process the parse and the validation each hold the thread from start to end; in the
    // worker the core's event loop keeps turning the whole time.
    expect(turns).toBeGreaterThan(100);
  });

  it('imports in-process, and says why, when the worker cannot be loaded', async () => {
    const reasons: string[] = [];
    const broken = createWorkerCsvImporter(
      { url: new URL('./no-such-worker.ts', import.meta.url), typescript: true },
      { fallback: importUsageCsvParts, onFallback: (reason) => reasons.push(reason) },
    );
    const text = csv(50);
    const [fellBack, inProcess] = await Promise.all([
      broken([text], options()),
      importUsageCsv(text, options()),
    ]);
    expect(fellBack.rows).toEqual(inProcess.rows);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/no-such-worker/);
  });

  it("keeps a running worker's own errors: the file is not imported again in-process", async () => {
    const reasons: string[] = [];
    const importer = createWorkerCsvImporter(
      { url: new URL('./import-worker.ts', import.meta.url), typescript: true },
      { fallback: importUsageCsvParts, onFallback: (reason) => reasons.push(reason) },
    );
    await expect(importer(['product\nnot,a,file'], options())).rejects.toBeInstanceOf(AppError);
    expect(reasons).toEqual([]);
  });
});
