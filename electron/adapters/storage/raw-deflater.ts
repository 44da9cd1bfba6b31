// Raw DEFLATE of many short texts, one compressor kept for all of them. Node's sync API
// (deflateRawSync) opens a zlib stream for each call and closes it after: for a 9 KB CloudTrail
// record the stream's set-up (a quarter MB of state allocated and cleared, the dictionary
// loaded) costs about as much as the compression itself. Here one stream is reset between
// texts, which loads the dictionary again, and gives the same bytes as deflateRawSync with the
// same options. Node offers no public sync call on a kept stream, so this drives the stream's
// own handle (node:zlib's `_handle` and `_writeState`), checked before use: where a Node
// version lacks them, or the stream fails, texts are deflated by deflateRawSync.
import { Buffer } from 'node:buffer';
import { DeflateRaw, constants, deflateRawSync, type ZlibOptions } from 'node:zlib';

/** What node:zlib's stream keeps: its native handle and the counts each write leaves. */
type ZlibHandle = {
  writeSync: (
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ) => void;
  reset: () => void;
};
type StreamInternals = { _handle?: unknown; _writeState?: unknown };

/** The bytes DEFLATE writes for `length` input bytes at most, with room to spare. */
const outputBound = (length: number): number => length + (length >> 3) + 1024;

function handleOf(stream: DeflateRaw): { handle: ZlibHandle; state: Uint32Array } | null {
  const internals = stream as unknown as StreamInternals;
  const handle = internals._handle as Partial<ZlibHandle> | undefined;
  const state = internals._writeState;
  if (typeof handle?.writeSync !== 'function' || typeof handle.reset !== 'function') return null;
  if (!(state instanceof Uint32Array) || state.length < 2) return null;
  return { handle: handle as ZlibHandle, state };
}

export type RawDeflater = {
  /** The text's UTF-8 bytes deflated, after `prefix` leading bytes left zero for the caller. */
  deflate: (text: string, prefix: number) => Uint8Array;
  /** The same for bytes given as they are (a text's UTF-8 the caller holds already). */
  deflateBytes: (bytes: Uint8Array, prefix: number) => Uint8Array;
  /** Whether texts go through the kept stream (false: deflateRawSync for each). */
  readonly reused: boolean;
};

function fallbackDeflate(options: ZlibOptions): RawDeflater['deflateBytes'] {
  return (bytes, prefix) => {
    const body = deflateRawSync(bytes, options);
    const out = new Uint8Array(body.length + prefix);
    out.set(body, prefix);
    return out;
  };
}

const utf8Of = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/** `stream` is the one to keep: a new one with these options unless given. */
export function createRawDeflater(
  options: ZlibOptions,
  stream: DeflateRaw = new DeflateRaw(options),
): RawDeflater {
  const fallback = fallbackDeflate(options);
  // A failing stream is destroyed with an 'error' event; listened to, it cannot crash the thread.
  stream.on('error', () => undefined);
  const kept = handleOf(stream);
  if (!kept) {
    stream.close();
    return {
      deflate: (text, prefix) => fallback(utf8Of(text), prefix),
      deflateBytes: fallback,
      reused: false,
    };
  }
  let broken = false;
  let input = Buffer.allocUnsafe(64 * 1024);
  let output = Buffer.allocUnsafe(outputBound(input.length));

  /** The text's UTF-8 in the kept input buffer, grown to fit. */
  const encoded = (text: string): Uint8Array => {
    // UTF-8 takes at most 3 bytes for each UTF-16 unit.
    if (text.length * 3 > input.length) input = Buffer.allocUnsafe(text.length * 3);
    return input.subarray(0, input.write(text, 'utf8'));
  };

  const deflateBytes = (bytes: Uint8Array, prefix: number): Uint8Array => {
    if (broken) return fallback(bytes, prefix);
    if (outputBound(bytes.length) > output.length) {
      output = Buffer.allocUnsafe(outputBound(bytes.length));
    }
    kept.handle.writeSync(constants.Z_FINISH, bytes, 0, bytes.length, output, 0, output.length);
    const [outLeft = 0, inLeft = 1] = kept.state;
    if (stream.destroyed || inLeft !== 0 || outLeft === 0) {
      broken = true;
      return fallback(bytes, prefix);
    }
    kept.handle.reset();
    const written = output.length - outLeft;
    const out = new Uint8Array(written + prefix);
    out.set(output.subarray(0, written), prefix);
    return out;
  };
  return {
    deflate: (text, prefix) => deflateBytes(broken ? utf8Of(text) : encoded(text), prefix),
    deflateBytes,
    reused: true,
  };
}
