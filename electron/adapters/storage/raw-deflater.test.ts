// One kept compressor gives, text after text, the bytes deflateRawSync gives each text alone
// with the same options (dictionary included), across texts that outgrow its buffers; a stream
// without the handle it drives (here, a closed one) deflates each text by deflateRawSync.
import { Buffer } from 'node:buffer';
import { DeflateRaw, deflateRawSync, inflateRawSync, type ZlibOptions } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createRawDeflater } from './raw-deflater';

const dictionary = Buffer.from('{"eventName":"BatchMeterUsage","status":"Success"}', 'utf8');
const options: ZlibOptions = { level: 1, dictionary };

const texts = [
  '',
  '{"eventName":"BatchMeterUsage","status":"Success"}',
  'Grüße 価格 😀 \u202f\u00a0 "quoted" \\ back\nline',
  // Larger than the first buffers (64 KB of input), in one-, two- and three-byte characters.
  'x'.repeat(70_000),
  'é'.repeat(40_000),
  '価'.repeat(30_000),
  Array.from({ length: 5_000 }, (_, i) => `{"n":${String(i * 7919)}}`).join(','),
  'short again',
];

const alone = (text: string): Buffer => deflateRawSync(Buffer.from(text, 'utf8'), options);

describe('a kept raw DEFLATE compressor', () => {
  it('gives the bytes deflateRawSync gives, after the prefix it leaves', () => {
    const deflater = createRawDeflater(options);
    expect(deflater.reused).toBe(true);
    for (const text of [...texts, ...texts]) {
      const out = deflater.deflate(text, 1);
      expect(out[0]).toBe(0);
      expect(Buffer.from(out.subarray(1))).toEqual(alone(text));
      expect(inflateRawSync(out.subarray(1), { dictionary }).toString('utf8')).toBe(text);
      const fromBytes = deflater.deflateBytes(Buffer.from(text, 'utf8'), 1);
      expect(Buffer.from(fromBytes.subarray(1))).toEqual(alone(text));
    }
  });

  it('deflates each text alone where the stream has no handle to drive', () => {
    const closed = new DeflateRaw(options);
    closed.close();
    const deflater = createRawDeflater(options, closed);
    expect(deflater.reused).toBe(false);
    for (const text of texts) {
      expect(Buffer.from(deflater.deflate(text, 2).subarray(2))).toEqual(alone(text));
      const bytes = Buffer.from(text, 'utf8');
      expect(Buffer.from(deflater.deflateBytes(bytes, 2).subarray(2))).toEqual(alone(text));
    }
  });
});
