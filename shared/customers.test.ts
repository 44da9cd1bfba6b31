import { describe, expect, it } from 'vitest';
import type { BulkRow } from './channels/customers';
import {
  bulkRowsToCsv,
  bulkRowsToJson,
  csvIdCell,
  csvTextCell,
  meteringLinkFor,
  parseBulkInput,
} from './customers';

const A = 'AbCdEfGhIjKlMnOpQrSt+UvWxYz0123456789/aBcDeFgHiJkLmNoPqRsTuVwX==';
const B = 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4';
const encoded = (token: string) => encodeURIComponent(token);

function tokens(text: string) {
  return parseBulkInput(text).items.map((item) =>
    item.kind === 'unreadable'
      ? `${item.line}:unreadable`
      : `${item.line}:${item.kind}:${item.extraction.token}`,
  );
}

describe('parseBulkInput', () => {
  it('takes one token or form body per line, skipping blank lines, keeping line numbers', () => {
    const text = `${A}\n\nx-amzn-marketplace-token=${encoded(B)}&x-amzn-marketplace-offer-type=free-trial\r\n  "${A.slice(0, 20)}x${A.slice(21)}"  \n`;
    expect(parseBulkInput(text).mode).toBe('lines');
    expect(tokens(text)).toEqual([
      `1:token:${A}`,
      `3:token:${B}`,
      `4:token:${A.slice(0, 20)}x${A.slice(21)}`,
    ]);
  });

  it('marks a repeated token as a duplicate of its first line and an unreadable line as such', () => {
    const text = `${A}\nhello there, not a token\nx-amzn-marketplace-token=${encoded(A)}`;
    const items = parseBulkInput(text).items;
    expect(items[1]).toMatchObject({ line: 2, kind: 'unreadable' });
    expect(items[2]).toMatchObject({ line: 3, kind: 'duplicate', duplicateOf: 1 });
  });

  it('reads the token column of a CSV with a header, quoted cells included', () => {
    const text = `customer,x-amzn-marketplace-token,received\n"Blue, Inc.","${A}",2026-08-01\nAcme,${B},2026-08-02\n`;
    const parsed = parseBulkInput(text);
    expect(parsed).toMatchObject({ mode: 'csv', column: 'x-amzn-marketplace-token' });
    expect(tokens(text)).toEqual([`2:token:${A}`, `3:token:${B}`]);
  });

  it("a spreadsheet's export (byte-order mark, CRLF, a quoted note spanning lines) keeps its lines", () => {
    const text = `\uFEFFtoken,note\r\n${A},"first line\r\nsecond, with a comma"\r\n\r\n"${B}",ok\r\n`;
    const parsed = parseBulkInput(text);
    expect(parsed).toMatchObject({ mode: 'csv', column: 'token' });
    expect(tokens(text)).toEqual([`2:token:${A}`, `5:token:${B}`]);
    // The same file saved with old Mac line ends (CR only).
    expect(tokens(text.replace(/\r\n/g, '\r'))).toEqual([`2:token:${A}`, `5:token:${B}`]);
  });

  it('without a header, takes the longest token-like cell of each CSV row (not a date)', () => {
    const text = `Acme,2026-08-01,${A}\nBlue,2026-08-02,x-amzn-marketplace-token=${encoded(B)}`;
    expect(tokens(text)).toEqual([`1:token:${A}`, `2:token:${B}`]);
  });
});

describe('meteringLinkFor', () => {
  it('carries exactly the identities AWS returned, encoded', () => {
    const link = meteringLinkFor({
      customerAwsAccountId: '012345678901',
      licenseArn: 'arn:aws:license-manager::123456789012:license:l-abc',
      productCode: 'prod-x',
    });
    expect(link.startsWith('#/metering?')).toBe(true);
    const params = new URLSearchParams(link.slice('#/metering?'.length));
    expect(Object.fromEntries(params)).toEqual({
      customerAwsAccountId: '012345678901',
      licenseArn: 'arn:aws:license-manager::123456789012:license:l-abc',
      productCode: 'prod-x',
    });
    expect(meteringLinkFor({})).toBe('#/metering');
  });

  it('fills exactly one identity, the one the product’s model meters by', () => {
    const both = {
      customerIdentifier: 'jHK8m2xQ7rP',
      customerAwsAccountId: '053004027029',
      productCode: 'prod-legacy',
    };
    const params = (link: string) => Object.fromEntries(new URLSearchParams(link.split('?')[1]));
    // A legacy product answer carries the identifier and (since 2023) the account id too.
    expect(params(meteringLinkFor(both, 'legacy'))).toEqual({
      customerIdentifier: 'jHK8m2xQ7rP',
      productCode: 'prod-legacy',
    });
    expect(params(meteringLinkFor(both))).toEqual({
      customerIdentifier: 'jHK8m2xQ7rP',
      productCode: 'prod-legacy',
    });
    const concurrent = {
      ...both,
      licenseArn: 'arn:aws:license-manager::123456789012:license:l-abc',
    };
    expect(params(meteringLinkFor(concurrent, 'concurrent-agreements'))).toEqual({
      customerAwsAccountId: '053004027029',
      licenseArn: 'arn:aws:license-manager::123456789012:license:l-abc',
      productCode: 'prod-legacy',
    });
  });
});

describe('bulk export', () => {
  const rows: BulkRow[] = [
    {
      line: 3,
      tokenHash: '000123456789',
      outcome: 'failed',
      failureKind: 'expired',
      message: '=HYPERLINK("http://evil.example","click")',
      nextStep: '+1 call the buyer, then -retry; @SUM(A1)',
    },
    {
      line: 1,
      tokenHash: 'abcdef012345',
      outcome: 'resolved',
      customer: {
        customerAwsAccountId: '012345678901',
        licenseArn: 'arn:aws:license-manager::123456789012:license:l-abc',
        productCode: 'prod-x',
      },
    },
  ];

  it('neutralises formula cells and keeps account ids as text', () => {
    const csv = bulkRowsToCsv(rows);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'line,outcome,customer_aws_account_id,license_arn,customer_identifier,product_code,failure,next_step,token_sha256_12,resolved_before',
    );
    // Sorted by line; the account id keeps its leading zero as text.
    expect(lines[1]).toBe(
      '1,resolved,"=""012345678901""",arn:aws:license-manager::123456789012:license:l-abc,,prod-x,,,abcdef012345,',
    );
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(lines[2]).toContain("'+1 call the buyer");
    expect(lines[2]).toContain('"=""000123456789"""');
    // No cell starts with a formula character except the digit-only ="…" id cells.
    for (const line of lines.slice(1)) {
      for (const cell of line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
        const value = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        if (/^[=+\-@]/.test(value)) expect(value).toMatch(/^="\d+"$/);
      }
    }
  });

  it('csv cells: text and ids', () => {
    expect(csvTextCell('-5')).toBe("'-5");
    expect(csvTextCell('\tx')).toBe("'\tx");
    expect(csvTextCell('a,b')).toBe('"a,b"');
    expect(csvTextCell(undefined)).toBe('');
    expect(csvIdCell('123')).toBe('"=""123"""');
    expect(csvIdCell('=1+1')).toBe("'=1+1");
  });

  it('JSON keeps every value as a string, sorted by line', () => {
    const parsed = JSON.parse(bulkRowsToJson(rows)) as BulkRow[];
    expect(parsed.map((r) => r.line)).toEqual([1, 3]);
    expect(parsed[0]?.customer?.customerAwsAccountId).toBe('012345678901');
  });
});
