// CSV import speed: 100,000 usage rows parsed (papaparse, IDs as text), validated with the
// shared rules and aggregated to one record per (customer, dimension, hour) — the whole of
// metering:import-csv's work in main. Target: < 1.5 s.
// `npm run bench -- csv-import [rows]`
import { HOUR_MS } from '../shared/aws/metering-rules';
import type { Product } from '../shared/metering';
import { importUsageCsv } from '../electron/services/metering/csv-import';
import { emptySentIndex } from '../electron/services/metering/validate';
import { report } from './_report';

const rows = Number(process.argv[2] ?? 100_000);
const NOW = Date.UTC(2026, 6, 15, 12, 30);

const catalog: Product[] = [
  {
    id: 'nimbus',
    name: 'Nimbus Vector Search',
    kind: 'saas',
    identityModel: 'concurrent-agreements',
    dimensions: [
      { name: 'vector_queries', description: '' },
      { name: 'index_storage_gb', description: '' },
      { name: 'embedding_tokens', description: '' },
    ],
    source: 'user',
  },
  {
    id: 'lumen',
    name: 'Lumen Log Analytics',
    kind: 'saas',
    identityModel: 'legacy',
    productCode: 'prod-lumen0001',
    dimensions: [
      { name: 'ingested_gb', description: '' },
      { name: 'active_users', description: '' },
    ],
    source: 'user',
  },
];

function buildCsv(count: number): string {
  const dims = ['vector_queries', 'index_storage_gb', 'embedding_tokens'];
  const lines = [
    'product,customer_aws_account_id,license_arn,customer_identifier,dimension,quantity,timestamp',
  ];
  for (let i = 0; i < count; i++) {
    // 2,000 customers × 3 dimensions × 20 hours; every 10th row a legacy record; ~1% bad rows.
    const customer = i % 2000;
    const hour = NOW - HOUR_MS * (1 + (Math.floor(i / 6000) % 20));
    const minute = (i * 7) % 60;
    const ts = new Date(hour + minute * 60_000).toISOString();
    const quantity = i % 100 === 0 ? '1.5' : String((i * 13) % 1000);
    if (i % 10 === 0) {
      lines.push(`lumen,,,cust-${String(customer)},ingested_gb,${quantity},${ts}`);
    } else {
      const acct = String(100000000000 + customer).padStart(12, '0');
      const license = `arn:aws:license-manager::123456789012:license:l-${String(customer).padStart(17, '0')}`;
      lines.push(`nimbus,${acct},${license},,${dims[i % 3] ?? ''},${quantity},${ts}`);
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

async function main(): Promise<void> {
  const text = buildCsv(rows);
  // One warm-up on a small file so JIT start-up is not billed to the measurement.
  await importUsageCsv(buildCsv(2000), {
    catalog,
    now: NOW,
    sentIndex: emptySentIndex,
    aggregate: true,
  });
  const started = performance.now();
  const result = await importUsageCsv(text, {
    catalog,
    now: NOW,
    sentIndex: emptySentIndex,
    aggregate: true,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.summary.fileRows !== rows)
    throw new Error(`parsed ${String(result.summary.fileRows)} rows, expected ${String(rows)}`);
  process.stderr.write(
    `${String(rows)} rows (${(text.length / 1e6).toFixed(1)} MB) → ${String(result.summary.records)} records, ${String(result.summary.ready)} ready, ${String(result.summary.review)} need review\n`,
  );
  report({
    bench: 'csv-import',
    metric: 'seconds_100k_rows',
    value: Math.round(seconds * 1000) / 1000,
    unit: 's',
    sizes: { rows, bytes: text.length, records: result.summary.records },
    target: '< 1.5',
  });
}

await main();
