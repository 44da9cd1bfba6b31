// Packed texts read back byte for byte, whether packed in place (a few) or on the worker (many);
// the packed form is DEFLATE of the text's UTF-8 bytes with the v1 dictionary, and texts packed
// before the dictionary, or with it by an earlier build, still read back.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DICTIONARY_V1,
  RAW_DICTIONARY_V1,
  createTextPacker,
  packTextSync,
  unpackText,
} from './text-packer';

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
      packed.forEach((bytes, i) => {
        expect(bytes[0]).toBe(DICTIONARY_V1);
        const body = inflateRawSync(bytes.subarray(1), {
          dictionary: Buffer.from(RAW_DICTIONARY_V1),
        });
        expect(body).toEqual(Buffer.from(texts[i] ?? '', 'utf8'));
      });
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

  it('reads texts packed without the dictionary, and with it by an earlier build', () => {
    const text = samples[2] ?? '';
    expect(unpackText(deflateRawSync(Buffer.from(text, 'utf8'), { level: 1 }))).toBe(text);
    // Bytes an earlier build stored: a change to the dictionary fails here, not in a user's cache.
    const stored = Buffer.from('BquGyFIzz2KECGrOdC86vOfw/FSFD/NnNCjVAgA=', 'base64');
    expect(unpackText(stored)).toBe(
      '{"eventSource":"metering-marketplace.amazonaws.com","eventName":"BatchMeterUsage",' +
        '"status":"Success","userAgent":"Grüße 😀"}',
    );
  });

  it('refuses bytes that are not a packed text', () => {
    expect(() => unpackText(Uint8Array.of(1, 2, 3, 4))).toThrow();
  });
});
