// The audit database on DuckDB: SQL typed by a person can read the views but the engine refuses
// every write (a READ ONLY transaction, not a check of the SQL text); nothing reaches files
// outside the export folder or changes the limits; a statement stops at its timeout or when
// cancelled; writes are transactions; files are private to the user.
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlRefused, SqlStopped, type AuditDb } from '../../services/audit/db';
import { createDuckDbAuditOpener } from './duckdb';

let dir = '';
let db: AuditDb;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meterdesk-duckdb-'));
  db = await createDuckDbAuditOpener({ dir, memoryLimit: '128MB', threads: 2 })('111122223333');
  await db.write(async (tx) => {
    await tx.run('CREATE SCHEMA store');
    await tx.run('CREATE TABLE store.t (i INTEGER, s VARCHAR, b BIGINT, ok BOOLEAN)');
    await tx.run('CREATE VIEW v AS SELECT * FROM store.t');
    await tx.append('store', 't', [
      { type: 'INTEGER', values: [1, 2, 3] },
      { type: 'VARCHAR', values: ['a', null, 'c'] },
      { type: 'BIGINT', values: [1_700_000_000_000, 2, null] },
      { type: 'BOOLEAN', values: [true, false, true] },
    ]);
  });
});

afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
});

const readOnly = (sql: string, timeoutMs = 5_000, signal?: AbortSignal) =>
  db.readOnly(sql, { maxRows: 100, timeoutMs, ...(signal ? { signal } : {}) });

async function refusal(sql: string): Promise<SqlRefused> {
  const error: unknown = await readOnly(sql).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof SqlRefused)) throw new Error(`${sql} was not refused: ${String(error)}`);
  return error;
}

describe('audit database on DuckDB', () => {
  it('reads plain values: numbers, big integers, timestamps and lists', async () => {
    expect(await db.all('SELECT * FROM store.t ORDER BY i')).toEqual([
      { i: 1, s: 'a', b: 1_700_000_000_000, ok: true },
      { i: 2, s: null, b: 2, ok: false },
      { i: 3, s: 'c', b: null, ok: true },
    ]);
    const [row] = await db.all(
      'SELECT 9007199254740993::BIGINT AS big, epoch_ms(0) AS t, [1, 2] AS l, sum(i) AS n FROM store.t',
    );
    expect(row).toEqual({ big: '9007199254740993', t: '1970-01-01 00:00:00', l: '[1,2]', n: 6 });
    expect(
      await db.all('SELECT count(*) AS n FROM store.t WHERE s IN (SELECT unnest($1::VARCHAR[]))', [
        ['a', 'c'],
      ]),
    ).toEqual([{ n: 2 }]);
  });

  it('reads a result as columns with the same cells as rows, plain or not', async () => {
    for (const sql of [
      'SELECT * FROM store.t ORDER BY i',
      'SELECT i, 9007199254740993::BIGINT + i AS big, epoch_ms(i) AS t, [i, 2] AS l FROM store.t ORDER BY i',
      'SELECT * FROM store.t WHERE false',
    ]) {
      const rows = await db.all(sql);
      const { rows: count, columns } = await db.columns(sql);
      expect(count).toBe(rows.length);
      const names = Object.keys(columns);
      expect(names).toEqual(rows.length > 0 ? Object.keys(rows[0] ?? {}) : names);
      const again = Array.from({ length: count }, (_, r) =>
        Object.fromEntries(names.map((name) => [name, columns[name]?.[r]])),
      );
      expect(again).toEqual(rows);
    }
    await db.write(async (tx) => {
      expect((await tx.columns('SELECT count(*) AS n FROM store.t')).columns).toEqual({ n: [3] });
    });
  });

  it('rolls a failed write back whole', async () => {
    await expect(
      db.write(async (tx) => {
        await tx.append('store', 't', [
          { type: 'INTEGER', values: [4] },
          { type: 'VARCHAR', values: ['d'] },
          { type: 'BIGINT', values: [4] },
          { type: 'BOOLEAN', values: [true] },
        ]);
        await tx.run('INSERT INTO store.t VALUES (5, $1, 5, true)', ['e']);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await db.all('SELECT count(*) AS n FROM store.t')).toEqual([{ n: 3 }]);
  });

  it('answers a person’s SQL over the views, capped to the rows asked for', async () => {
    const out = await db.readOnly('SELECT i, s FROM v ORDER BY i', {
      maxRows: 2,
      timeoutMs: 5_000,
    });
    expect(out.columns).toEqual([
      { name: 'i', type: 'INTEGER' },
      { name: 's', type: 'VARCHAR' },
    ]);
    expect(out.rows).toEqual([
      [1, 'a'],
      [2, null],
    ]);
    expect(out.truncated).toBe(true);
  });

  it('the engine refuses every write of a person’s SQL', async () => {
    for (const sql of [
      "INSERT INTO store.t VALUES (9, 'x', 9, true)",
      'UPDATE store.t SET s = NULL',
      'DELETE FROM store.t',
      'DROP VIEW v',
      'CREATE TABLE x (a INTEGER)',
      'ALTER TABLE store.t ADD COLUMN z INTEGER',
      'CREATE MACRO m(a) AS a',
    ]) {
      const error = await refusal(sql);
      expect(error.forbidden, sql).toBe(true);
      expect(error.message, sql).toMatch(/read-only/);
    }
    expect(await db.all('SELECT count(*) AS n FROM store.t')).toEqual([{ n: 3 }]);
  });

  it('refuses a second statement, which could otherwise follow a COMMIT', async () => {
    const error = await refusal("COMMIT; INSERT INTO store.t VALUES (9, 'x', 9, true)");
    expect(error.message).toMatch(/one statement/);
    expect(await db.all('SELECT count(*) AS n FROM store.t')).toEqual([{ n: 3 }]);
  });

  it('keeps files outside the export folder, extensions and limits out of reach', async () => {
    const secret = join(dir, 'secret.txt');
    await writeFile(secret, 'do not read');
    for (const sql of [
      `SELECT * FROM read_text('${secret}')`,
      `COPY (SELECT 1) TO '${join(dir, 'out.csv')}'`,
      `COPY (SELECT 1) TO '${join(dir, 'exports', '..', 'out.csv')}'`,
      "SET memory_limit = '10GB'",
      'INSTALL httpfs',
      'LOAD httpfs',
    ]) {
      expect((await refusal(sql)).forbidden, sql).toBe(true);
    }
  });

  it('detaches what a person’s SQL attached, so nothing can shadow the cache', async () => {
    await readOnly("ATTACH ':memory:' AS store");
    expect(await db.all('SELECT count(*) AS n FROM store.t')).toEqual([{ n: 3 }]);
    const names = await db.all('SELECT database_name FROM duckdb_databases() WHERE NOT internal');
    expect(names).toEqual([{ database_name: db.catalog }]);
  });

  it('stops a statement at its timeout, and when cancelled', async () => {
    const slow = 'SELECT sum(a.range) FROM range(1000000000000) a';
    const started = performance.now();
    const timedOut: unknown = await readOnly(slow, 300).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(SqlStopped);
    expect((timedOut as SqlStopped).reason).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(10_000);

    const controller = new AbortController();
    const running = readOnly(slow, 60_000, controller.signal).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 200);
    const cancelled = await running;
    expect(cancelled).toBeInstanceOf(SqlStopped);
    expect((cancelled as SqlStopped).reason).toBe('cancelled');

    // Cancelled while the statement is still being prepared: it stops all the same.
    for (const delay of [0, 1, 5, 20]) {
      const early = new AbortController();
      const work = readOnly(slow, 60_000, early.signal).catch((e: unknown) => e);
      setTimeout(() => early.abort(), delay);
      const stopped = await work;
      expect(stopped, `aborted after ${String(delay)} ms`).toBeInstanceOf(SqlStopped);
    }
    // The database answers as before.
    expect(await readOnly('SELECT count(*) AS n FROM v')).toMatchObject({ rows: [[3]] });
  });

  it('exports a query as Parquet, also a person’s SQL, and leaves no file behind', async () => {
    const parquet = await db.exportFile('SELECT * FROM store.t WHERE i >= $1', [2], {
      format: 'parquet',
    });
    expect(new TextDecoder().decode(parquet.subarray(0, 4))).toBe('PAR1');
    const typed = await db.exportFile('SELECT i FROM v -- a comment\n;', [], {
      format: 'parquet',
      readOnly: { timeoutMs: 5_000 },
    });
    expect(new TextDecoder().decode(typed.subarray(-4))).toBe('PAR1');
    await expect(
      db.exportFile('DELETE FROM store.t', [], {
        format: 'parquet',
        readOnly: { timeoutMs: 5_000 },
      }),
    ).rejects.toBeInstanceOf(SqlRefused);
    expect(await readdir(join(dir, 'exports'))).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')(
    'keeps its folder and file private to the user (POSIX modes)',
    async () => {
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, '111122223333.duckdb'))).mode & 0o777).toBe(0o600);
    },
  );
});
