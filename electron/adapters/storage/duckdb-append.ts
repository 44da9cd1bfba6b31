// Column batches into a DuckDB data chunk, written straight into its vectors: numbers as one
// typed-array copy per column, nulls as one validity mask, text and bytes one value at a time. The
// library's per-value setters (a BigInt per 64-bit value, BigInt bit arithmetic per validity
// bit) cost more than the engine's own append on a million-row ingest.
import bindings from '@duckdb/node-bindings';
import type { DuckDBDataChunk } from '@duckdb/node-api';
import type { AppendColumn, TypedValues } from '../../services/audit/db';

const TWO_32 = 4_294_967_296;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('The audit database appender assumes a little-endian machine.');
}

type Cell = string | number | boolean | Uint8Array | null;

/** A 64-bit integer as two 32-bit halves, low first: exact for every safe integer. */
function putBigint(out: Int32Array, i: number, x: number): void {
  const high = Math.floor(x / TWO_32);
  out[2 * i] = (x - high * TWO_32) | 0;
  out[2 * i + 1] = high;
}

/** Typed values (no nulls) in the vector's own layout, checked against the column's type. */
function typedFixedWidth(
  column: AppendColumn & { values: TypedValues },
  k: number,
  start: number,
  n: number,
): ArrayBufferView {
  const { type, values } = column;
  const part = values.subarray(start, start + n);
  const wrong = (): Error => new Error(`Column ${String(k)}: a value out of range for its type.`);
  if (typeof type === 'object') {
    if (!(part instanceof Uint8Array)) throw wrong();
    for (const code of part) if (code >= type.enum.length) throw wrong();
    return type.enum.length <= 255 ? part : Uint16Array.from(part);
  }
  switch (type) {
    case 'INTEGER':
    case 'SMALLINT':
      if (!(part instanceof (type === 'INTEGER' ? Int32Array : Int16Array))) throw wrong();
      return part;
    case 'BOOLEAN':
      if (!(part instanceof Uint8Array)) throw wrong();
      for (const b of part) if (b > 1) throw wrong();
      return part;
    case 'DOUBLE':
      if (!(part instanceof Float64Array)) throw wrong();
      return part;
    case 'BIGINT': {
      if (!(part instanceof Float64Array)) throw wrong();
      const out = new Int32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const x = part[i] ?? NaN;
        if (!Number.isSafeInteger(x)) throw wrong();
        putBigint(out, i, x);
      }
      return out;
    }
    default:
      throw wrong();
  }
}

function integer(value: Cell, min: number, max: number, column: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`Column ${String(column)}: ${String(value)} is not an integer in range.`);
  }
  return value;
}

/** The values' fixed-width form, or null for text (written one string at a time). */
function fixedWidth(
  column: AppendColumn,
  k: number,
  start: number,
  n: number,
): ArrayBufferView | null {
  const { type } = column;
  const values = column.values as readonly Cell[];
  const at = (i: number): Cell => values[start + i] ?? null;
  if (typeof type === 'object') {
    const index = new Map(type.enum.map((v, i) => [v, i]));
    const out = type.enum.length <= 255 ? new Uint8Array(n) : new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const v = at(i);
      if (v === null) continue;
      const code = index.get(String(v));
      if (code === undefined)
        throw new Error(`Column ${String(k)}: ${String(v)} is not in the enum.`);
      out[i] = code;
    }
    return out;
  }
  switch (type) {
    case 'VARCHAR':
    case 'BLOB':
      return null;
    case 'BOOLEAN': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = at(i) === true ? 1 : 0;
      return out;
    }
    case 'SMALLINT':
    case 'INTEGER': {
      const small = type === 'SMALLINT';
      const out = small ? new Int16Array(n) : new Int32Array(n);
      const limit = small ? 32_767 : 2_147_483_647;
      for (let i = 0; i < n; i++) {
        const v = at(i);
        if (v !== null) out[i] = integer(v, -limit - 1, limit, k);
      }
      return out;
    }
    case 'BIGINT': {
      const out = new Int32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const v = at(i);
        if (v === null) continue;
        putBigint(out, i, integer(v, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, k));
      }
      return out;
    }
    case 'DOUBLE': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = at(i);
        if (v !== null) out[i] = Number(v);
      }
      return out;
    }
  }
}

/** Fills column `k` of `chunk` (sized `n`) with values[start … start + n). */
export function fillColumn(
  chunk: DuckDBDataChunk,
  k: number,
  column: AppendColumn,
  start: number,
  n: number,
): void {
  const vector = bindings.data_chunk_get_vector(chunk.chunk, k);
  if (!Array.isArray(column.values)) {
    const data = typedFixedWidth(column as AppendColumn & { values: TypedValues }, k, start, n);
    copyToVector(vector, data);
    return;
  }
  const values = column.values as readonly Cell[];
  const data = fixedWidth(column, k, start, n);
  let mask: Uint32Array | null = null;
  for (let i = 0; i < n; i++) {
    const v = values[start + i] ?? null;
    if (v === null) {
      mask ??= new Uint32Array(Math.ceil(n / 64) * 2).fill(0xffffffff);
      mask[i >>> 5] = (mask[i >>> 5] ?? 0) & ~(1 << (i & 31));
    } else if (data === null) {
      if (column.type === 'BLOB') {
        if (!(v instanceof Uint8Array)) throw new Error(`Column ${String(k)}: not bytes.`);
        bindings.vector_assign_string_element_len(vector, i, v);
      } else {
        if (typeof v !== 'string')
          throw new Error(`Column ${String(k)}: ${String(v)} is not text.`);
        bindings.vector_assign_string_element(vector, i, v);
      }
    }
  }
  if (data !== null) copyToVector(vector, data);
  if (mask !== null) {
    bindings.vector_ensure_validity_writable(vector);
    bindings.copy_data_to_vector_validity(
      vector,
      0,
      mask.buffer as ArrayBuffer,
      0,
      mask.byteLength,
    );
  }
}

function copyToVector(
  vector: ReturnType<typeof bindings.data_chunk_get_vector>,
  data: ArrayBufferView,
): void {
  bindings.copy_data_to_vector(
    vector,
    0,
    data.buffer as ArrayBuffer,
    data.byteOffset,
    data.byteLength,
  );
}
