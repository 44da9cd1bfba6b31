// Records' text on its way to an ingest worker. Cloned as strings, a batch's records (45 MB for
// 5,000 BatchMeterUsage calls) arrived as strings that all stayed alive until the whole batch
// was parsed, and the worker's young-generation collections copied them over and over. Here the
// ASCII texts travel as their bytes, back to back in one moved buffer; the worker makes each
// text only when it parses that record, and packs the record from the same bytes (ASCII is its
// own UTF-8). Any other text travels as the string it is, exactly.
import { Buffer } from 'node:buffer';

export type RecordTexts = {
  /** The ASCII texts' bytes, back to back; the buffer is moved, not copied. */
  bytes: Uint8Array;
  /** Where each text's bytes end; a text sent as a string ends where the one before does. */
  ends: Int32Array;
  /** The texts that are not ASCII, by their place in the batch. */
  strings: [place: number, text: string][];
};

/** ASCII only: each UTF-16 unit a byte of UTF-8 (a lone surrogate takes three). */
const isAscii = (text: string): boolean => Buffer.byteLength(text, 'utf8') === text.length;

export function encodeRecordTexts(texts: readonly string[]): RecordTexts {
  const ascii = texts.map(isAscii);
  let total = 0;
  texts.forEach((text, i) => {
    if (ascii[i]) total += text.length;
  });
  // A buffer of its own (not a slice of Node's shared pool), so it can be moved.
  const bytes = Buffer.allocUnsafeSlow(total);
  const ends = new Int32Array(texts.length);
  const strings: [number, string][] = [];
  let at = 0;
  texts.forEach((text, i) => {
    if (ascii[i]) at += bytes.write(text, at, 'latin1');
    else strings.push([i, text]);
    ends[i] = at;
  });
  return { bytes, ends, strings };
}

export type RecordTextReader = (place: number) => { text: string; utf8: Uint8Array | null };

/** Each text by its place, with its UTF-8 bytes where they came as bytes. */
export function recordTextReader(texts: RecordTexts): RecordTextReader {
  const bytes = Buffer.from(texts.bytes.buffer, texts.bytes.byteOffset, texts.bytes.byteLength);
  const strings = new Map(texts.strings);
  return (place) => {
    const text = strings.get(place);
    if (text !== undefined) return { text, utf8: null };
    const start = place === 0 ? 0 : (texts.ends[place - 1] ?? 0);
    const end = texts.ends[place] ?? start;
    return { text: bytes.toString('latin1', start, end), utf8: bytes.subarray(start, end) };
  };
}
