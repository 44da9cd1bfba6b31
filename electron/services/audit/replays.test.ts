import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareText } from './replays';

const utf8 = new TextEncoder();

/** The database's order of text: its UTF-8 bytes compared one by one. */
function byteOrder(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

describe('event ids are ordered as the database orders them', () => {
  it('agrees with UTF-8 byte order, also beyond the Basic Multilingual Plane', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareText(a, b))).toBe(Math.sign(byteOrder(a, b)));
      }),
    );
    // U+FF5E sorts before U+1F600 in UTF-8, though its UTF-16 unit is the larger one.
    expect(compareText('\uff5e', '\u{1f600}')).toBeLessThan(0);
    expect(compareText('ev-0001', 'ev-0002')).toBeLessThan(0);
  });
});
