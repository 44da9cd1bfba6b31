// Packed texts read back byte for byte, whether packed in place (a few) or on the worker (many),
// and the packed form is what DEFLATE makes of the text's UTF-8 bytes.
import { inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createTextPacker, packTextSync, unpackText } from './text-packer';

const packer = createTextPacker();
afterAll(() => packer.close());

const samples = [
  '',
  '{"eventID":"ev-1"}',
  'Grüße 価格 😀 \u202f\u00a0 "quoted" \\ back\nline',
  'x'.repeat(100_000),
];

describe('packing texts', () => {
  it('reads back every text exactly, packed in place and on the worker', async () => {
    const many = Array.from(
      { length: 50 },
      (_, i) => `${samples[i % samples.length] ?? ''}${String(i)}`,
    );
    for (const texts of [samples, many]) {
      const packed = await packer.pack(texts);
      expect(packed.map(unpackText)).toEqual(texts);
      packed.forEach((bytes, i) =>
        expect(inflateRawSync(bytes)).toEqual(Buffer.from(texts[i] ?? '', 'utf8')),
      );
    }
    expect(unpackText(packTextSync(samples[2] ?? ''))).toBe(samples[2]);
  });

  it('packs batches in flight together, each answer to its own batch', async () => {
    const batches = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 20 }, (_, i) => `batch ${String(b)} text ${String(i)} ${'é'.repeat(i)}`),
    );
    const packed = await Promise.all(batches.map((texts) => packer.pack(texts)));
    expect(packed.map((list) => list.map(unpackText))).toEqual(batches);
  });

  it('refuses bytes that are not a packed text', () => {
    expect(() => unpackText(Uint8Array.of(1, 2, 3, 4))).toThrow();
  });
});
