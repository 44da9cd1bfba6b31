// The records in customer order. Usage records arrive in time order, so every storage block of
// the records table holds every customer and a one-customer question reads them all. Re-sorted
// by (party, dimension, event time), a customer's records sit in one or two blocks, which the
// engine finds from each block's min/max and reads alone. Records stored later are appended in
// arrival order; once they are many, the table is sorted again. Order in storage never changes
// an answer (every query orders explicitly), only how much of the table it reads.
import type { SqlSession } from './db';
import { recordsTable, type Tables } from './schema';

export const CLUSTER_ORDER = 'party_code, dimension_code, event_time, event_seq, record_index';

/** Rows stored since the last sort worth sorting again for: this many, and a quarter of all. */
export const CLUSTER_MIN_ROWS = 1_000_000;

export function clusterDue(unclustered: number, total: number): boolean {
  return unclustered >= CLUSTER_MIN_ROWS && unclustered * 4 >= total;
}

/** Rewrites the records table sorted by CLUSTER_ORDER, in the caller's transaction. */
export async function clusterRecords(tx: SqlSession, T: Tables): Promise<void> {
  await tx.run(`DROP TABLE IF EXISTS ${T.recordsNext}`);
  await tx.run(recordsTable(T.recordsNext, T));
  await tx.run(`INSERT INTO ${T.recordsNext} SELECT * FROM ${T.records} ORDER BY ${CLUSTER_ORDER}`);
  await tx.run(`DROP TABLE ${T.records}`);
  await tx.run(`ALTER TABLE ${T.recordsNext} RENAME TO records`);
}
