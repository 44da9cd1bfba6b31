// A Query-tab result in the app's one table: a column per result column, numbers right-aligned
// and never rounded, ids monospace; the columns are the ones the query asked for, all shown.
import { useMemo } from 'react';
import type { AuditSqlCell, AuditSqlResult } from '../../../../shared/channels/audit-sql';
import {
  DataTable,
  type CellValue,
  type ColumnKind,
  type DataColumn,
} from '../../components/DataTable';

type Row = AuditSqlCell[];

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

/** How a result column is shown, from its SQL type and name. */
export function columnKind(type: string, name: string): ColumnKind {
  if (NUMERIC.test(type)) return 'number';
  if (/^(TIMESTAMP|DATE)/.test(type)) return 'time';
  if (/(^|_)(id|arn)$|_ids?$|metering_record_id/.test(name)) return 'id';
  return 'text';
}

function cell(value: AuditSqlCell | undefined): CellValue {
  if (value === undefined || value === null) return null;
  return typeof value === 'boolean' ? String(value) : value;
}

export function QueryResult({ result }: { result: AuditSqlResult }) {
  const columns = useMemo(
    (): DataColumn<Row>[] =>
      result.columns.map((c, i) => ({
        id: `${String(i)}:${c.name}`,
        header: c.name,
        kind: columnKind(c.type, c.name),
        value: (row: Row) => cell(row[i]),
        alwaysVisible: true,
      })),
    [result.columns],
  );
  return (
    <DataTable
      tableId="audit-query-result"
      label="Query result"
      rows={result.rows}
      columns={columns}
      emptyMessage="The query returned no rows."
      height="480px"
    />
  );
}
