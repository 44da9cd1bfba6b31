import { describe, expect, it } from 'vitest';
import { csvCell, csvIdCell, csvTable, type CsvColumn } from './csv';

describe('the CSV writer every export uses', () => {
  it('writes digit-only ids as ="…" so a spreadsheet keeps the leading zeros', () => {
    expect(csvIdCell('053004027029')).toBe('"=""053004027029"""');
    expect(csvCell('id', '053004027029')).toBe('"=""053004027029"""');
  });

  it('writes other ids and text neutralised against formulas, quoted only when needed', () => {
    expect(csvIdCell('arn:aws:license-manager::1:license:l-1')).toBe(
      'arn:aws:license-manager::1:license:l-1',
    );
    expect(csvCell('id', '=cmd|x')).toBe("'=cmd|x");
    expect(csvCell('text', '-5')).toBe("'-5");
    expect(csvCell('text', 'a,b "c"')).toBe('"a,b ""c"""');
    expect(csvCell('text', undefined)).toBe('');
  });

  it('writes numbers whole and never rounded; a non-number in a number column stays text', () => {
    expect(csvCell('number', 2147483647)).toBe('2147483647');
    expect(csvCell('number', 0)).toBe('0');
    expect(csvCell('number', '=1+1')).toBe("'=1+1");
  });

  it('writes a table: header, one CRLF line per row, a final CRLF', () => {
    type Row = { account: string; quantity: number; note?: string };
    const columns: CsvColumn<Row>[] = [
      { name: 'account', kind: 'id', value: (r) => r.account },
      { name: 'quantity', kind: 'number', value: (r) => r.quantity },
      { name: 'note', kind: 'text', value: (r) => r.note },
    ];
    const text = csvTable(columns, [
      { account: '012345678901', quantity: 7 },
      { account: '210987654321', quantity: 1_000_000, note: '+SUM(A1)' },
    ]);
    expect(text).toBe(
      'account,quantity,note\r\n"=""012345678901""",7,\r\n"=""210987654321""",1000000,\'+SUM(A1)\r\n',
    );
  });
});
