// Column batches written straight into DuckDB's vectors read back exactly: every type the audit
// cache appends, nulls anywhere, 64-bit values beyond 32 bits and below zero, text with any
// character, bytes, numbers handed over in typed arrays, and batches spanning several data chunks.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDb } from '../../services/audit/db';
import { createDuckDbAuditOpener } from './duckdb';

let dir = '';
let db: AuditDb;
const STATUSES = ['Success', 'DuplicateRecord', 'Unknown'] as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meterdesk-duckdb-append-'));
  db = await createDuckDbAuditOpener({ dir, memoryLimit: '128MB', threads: 1 })('111122223333');
  await db.write(async (tx) => {
    await tx.run('CREATE SCHEMA store');
    await tx.run(`CREATE TYPE store.st AS ENUM ('Success', 'DuplicateRecord', 'Unknown')`);
    await tx.run(`CREATE TABLE store.t (i INTEGER, s SMALLINT, b BIGINT, d DOUBLE, ok BOOLEAN,
      st store.st, txt VARCHAR)`);
    await tx.run(`CREATE TABLE store.typed (i INTEGER, s SMALLINT, b BIGINT, d DOUBLE,
      ok BOOLEAN, st store.st, bytes BLOB)`);
  });
});

afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
});

describe('appending column batches', () => {
  it('reads back every value and every null, across data chunks', async () => {
    const n = 5_000;
    const big = (k: number): number | null =>
      k % 7 === 0 ? null : (k % 2 === 0 ? -1 : 1) * (Number.MAX_SAFE_INTEGER - k * 4_294_967_311);
    const rows = Array.from({ length: n }, (_, k) => ({
      i: k % 5 === 0 ? null : k - 2_500,
      s: k % 11 === 0 ? null : (k % 600) - 300,
      b: big(k),
      d: k % 13 === 0 ? null : k / 8,
      ok: k % 17 === 0 ? null : k % 2 === 0,
      st: k % 19 === 0 ? null : (STATUSES[k % 3] ?? 'Unknown'),
      txt: k % 3 === 0 ? null : `ü€😀 ${String(k)} '"\n`,
    }));
    await db.write((tx) =>
      tx.append('store', 't', [
        { type: 'INTEGER', values: rows.map((r) => r.i) },
        { type: 'SMALLINT', values: rows.map((r) => r.s) },
        { type: 'BIGINT', values: rows.map((r) => r.b) },
        { type: 'DOUBLE', values: rows.map((r) => r.d) },
        { type: 'BOOLEAN', values: rows.map((r) => r.ok) },
        { type: { enum: STATUSES }, values: rows.map((r) => r.st) },
        { type: 'VARCHAR', values: rows.map((r) => r.txt) },
      ]),
    );
    const back = await db.all(
      `SELECT i, s, b::VARCHAR AS b, d, ok, st::VARCHAR AS st, txt FROM store.t ORDER BY rowid`,
    );
    expect(back).toHaveLength(n);
    back.forEach((row, k) => {
      const want = rows[k];
      expect({ ...row, b: row.b === null ? null : BigInt(String(row.b)) }).toEqual({
        ...want,
        b: want?.b === null || want?.b === undefined ? null : BigInt(want.b),
      });
    });
  });

  it('refuses a value its column cannot hold, writing nothing', async () => {
    const before = await db.all('SELECT count(*) AS n FROM store.t');
    for (const column of [
      { type: 'INTEGER' as const, values: [2 ** 31] },
      { type: 'SMALLINT' as const, values: [1.5] },
      { type: 'BIGINT' as const, values: [2 ** 53] },
      { type: 'VARCHAR' as const, values: [7] },
    ]) {
      const all = ['INTEGER', 'SMALLINT', 'BIGINT', 'DOUBLE', 'BOOLEAN', 'ENUM', 'VARCHAR'];
      const at = all.indexOf(column.type);
      const columns = all.map((type, k) =>
        k === at
          ? column
          : { type: type === 'ENUM' ? { enum: STATUSES } : (type as 'INTEGER'), values: [null] },
      );
      await expect(db.write((tx) => tx.append('store', 't', columns))).rejects.toThrow();
    }
    expect(await db.all('SELECT count(*) AS n FROM store.t')).toEqual(before);
  });

  it('reads back typed-array columns and bytes exactly, across data chunks', async () => {
    const n = 5_000;
    const i = Int32Array.from({ length: n }, (_, k) => (k % 2 === 0 ? -1 : 1) * k * 400_000);
    const s = Int16Array.from({ length: n }, (_, k) => (k % 600) - 300);
    const b = Float64Array.from({ length: n }, (_, k) => (k % 2 === 0 ? -1 : 1) * (2 ** 52 + k));
    const d = Float64Array.from({ length: n }, (_, k) => k / 8);
    const ok = Uint8Array.from({ length: n }, (_, k) => k % 2);
    const st = Uint8Array.from({ length: n }, (_, k) => k % 3);
    const bytes = Array.from({ length: n }, (_, k) =>
      k % 9 === 0 ? null : Uint8Array.from({ length: k % 40 }, (_, j) => (j * 37 + k) % 256),
    );
    await db.write((tx) =>
      tx.append('store', 'typed', [
        { type: 'INTEGER', values: i },
        { type: 'SMALLINT', values: s },
        { type: 'BIGINT', values: b },
        { type: 'DOUBLE', values: d },
        { type: 'BOOLEAN', values: ok },
        { type: { enum: STATUSES }, values: st },
        { type: 'BLOB', values: bytes },
      ]),
    );
    const back = await db.all(
      `SELECT i, s, b::VARCHAR AS b, d, ok, st::VARCHAR AS st, hex(bytes) AS bytes
       FROM store.typed ORDER BY rowid`,
    );
    expect(back).toHaveLength(n);
    const hex = (v: Uint8Array | null): string | null =>
      v === null ? null : [...v].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join('');
    back.forEach((row, k) => {
      expect(row).toEqual({
        i: i[k],
        s: s[k],
        b: String(b[k]),
        d: d[k],
        ok: ok[k] === 1,
        st: STATUSES[st[k] ?? 0],
        bytes: hex(bytes[k] ?? null),
      });
    });
  });

  it('refuses typed values its column cannot hold, writing nothing', async () => {
    const before = await db.all('SELECT count(*) AS n FROM store.typed');
    const good = () => [
      { type: 'INTEGER' as const, values: new Int32Array(1) },
      { type: 'SMALLINT' as const, values: new Int16Array(1) },
      { type: 'BIGINT' as const, values: new Float64Array(1) },
      { type: 'DOUBLE' as const, values: new Float64Array(1) },
      { type: 'BOOLEAN' as const, values: new Uint8Array(1) },
      { type: { enum: STATUSES }, values: new Uint8Array(1) },
      { type: 'BLOB' as const, values: [null] },
    ];
    for (const [at, values] of [
      [0, new Float64Array(1)],
      [2, Float64Array.of(2 ** 53)],
      [2, Float64Array.of(0.5)],
      [4, Uint8Array.of(2)],
      [5, Uint8Array.of(STATUSES.length)],
      [6, ['text']],
    ] as const) {
      const columns = good();
      const column = columns[at];
      if (column) columns[at] = { ...column, values } as (typeof columns)[number];
      await expect(db.write((tx) => tx.append('store', 'typed', columns))).rejects.toThrow();
    }
    expect(await db.all('SELECT count(*) AS n FROM store.typed')).toEqual(before);
  });
});
