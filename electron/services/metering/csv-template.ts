// The CSV template: the columns the import reads, with two example rows for a product that
// import as ready (the test suite checks that round trip).
import { HOUR_MS, hourOf } from '../../../shared/aws/metering-rules';
import type { Product } from '../../../shared/metering';
import { TEMPLATE_HEADERS } from './csv-parse';

export function csvTemplate(
  product: Product | undefined,
  now: number,
): { fileName: string; text: string } {
  const hour = hourOf(now - HOUR_MS);
  const earlier = hourOf(now - 2 * HOUR_MS);
  const dims = product?.dimensions.map((d) => d.name) ?? [];
  const dim = (i: number): string => dims[i % Math.max(1, dims.length)] ?? 'Users';
  const name = product?.id ?? 'my-product';
  const ca = product?.identityModel === 'concurrent-agreements';
  const lines: string[][] = [[...TEMPLATE_HEADERS]];
  const row = (d: string, q: string, t: string): string[] =>
    ca || !product
      ? [
          name,
          '012345678901',
          'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0',
          '',
          d,
          q,
          t,
        ]
      : [name, '', '', 'CUSTOMER-IDENTIFIER-FROM-RESOLVECUSTOMER', d, q, t];
  lines.push(row(dim(0), '10', earlier));
  lines.push(row(dim(1), '0', hour));
  const quote = (cell: string): string =>
    /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
  const text = `${lines.map((l) => l.map(quote).join(',')).join('\r\n')}\r\n`;
  return {
    fileName: `meterdesk-usage-template${product ? `-${product.id.replace(/[^a-z0-9-]/gi, '-')}` : ''}.csv`,
    text,
  };
}
