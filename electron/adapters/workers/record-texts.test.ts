// Records' text crosses to a worker exactly: ASCII texts as their bytes (which are their UTF-8,
// the bytes packed), every other text as itself, each back at its place.
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { encodeRecordTexts, recordTextReader } from './record-texts';

const texts = [
  '{"eventName":"BatchMeterUsage"}',
  '',
  'Grüße', // Latin-1, but not ASCII: two bytes of UTF-8 for ü and ß
  'x'.repeat(70_000),
  '価格 😀',
  'lone \ud800 surrogate',
  '\u007f ascii to the last',
  'é',
  '',
  '{"last":true}',
];

describe('record texts for a worker', () => {
  it('give back every text at its place, exactly', () => {
    const encoded = encodeRecordTexts(texts);
    const read = recordTextReader(structuredClone(encoded));
    texts.forEach((text, place) => expect(read(place).text).toBe(text));
  });

  it('send ASCII texts as their UTF-8 bytes, the others as strings', () => {
    const encoded = encodeRecordTexts(texts);
    expect(encoded.strings.map(([place]) => place)).toEqual([2, 4, 5, 7]);
    const ascii = texts.filter((_, place) => ![2, 4, 5, 7].includes(place));
    expect(encoded.bytes.byteLength).toBe(ascii.reduce((n, t) => n + t.length, 0));
    const read = recordTextReader(encoded);
    texts.forEach((text, place) => {
      const { utf8 } = read(place);
      if ([2, 4, 5, 7].includes(place)) expect(utf8).toBeNull();
      else expect(Buffer.from(utf8 ?? [])).toEqual(Buffer.from(text, 'utf8'));
    });
  });

  it('put the bytes in a buffer of their own, which can be moved', () => {
    const { bytes } = encodeRecordTexts(['a', 'b']);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(2);
    expect(encodeRecordTexts([]).ends).toHaveLength(0);
  });
});
