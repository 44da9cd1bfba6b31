// Files that travel to main in parts, so no single call exceeds the bridge's body cap: each
// part is buffered under an upload id until the last one arrives. Pure; used by channels whose
// input is `{ text, uploadId?, more? }`. An upload nobody finishes is dropped when too many are
// open (the oldest first) or, given a clock, when no part arrived for `idle.ms`.
import { AppError } from '../../shared/errors';

export type PartUploads = {
  /** Buffers one part; returns the upload id and the characters received so far. */
  append: (uploadId: string | undefined, text: string) => { uploadId: string; chars: number };
  /** The whole text of an upload, ending with `last` (and forgets the upload). */
  take: (uploadId: string | undefined, last: string) => string;
  /** The same, as the parts it arrived in: no one large copy of the whole text. */
  takeParts: (uploadId: string | undefined, last: string) => string[];
  /** Forgets uploads idle for longer than `idle.ms`; returns how many. */
  sweep: () => number;
  /** Uploads open now. */
  size: () => number;
};

type Upload = { parts: string[]; chars: number; touchedAt: number };

export function createPartUploads(deps: {
  newId: () => string;
  /** Largest file accepted, in characters. */
  maxChars: number;
  /** What to tell the user when a file is larger. */
  tooLargeHint: string;
  /** At most this many unfinished uploads are kept (the oldest is dropped). */
  maxOpen?: number;
  /** Uploads with no new part for `ms` are dropped. */
  idle?: { ms: number; now: () => number };
}): PartUploads {
  const open = new Map<string, Upload>();
  const now = (): number => deps.idle?.now() ?? 0;
  const gone = (): AppError =>
    new AppError('NOT_FOUND', 'This upload is no longer open.', {
      hint: 'Choose the file again.',
    });

  function sweep(): number {
    if (!deps.idle) return 0;
    const at = now();
    let freed = 0;
    for (const [id, upload] of open) {
      if (at - upload.touchedAt < deps.idle.ms) continue;
      open.delete(id);
      freed += 1;
    }
    return freed;
  }

  function takeParts(uploadId: string | undefined, last: string): string[] {
    sweep();
    if (uploadId === undefined) return [last];
    const upload = open.get(uploadId);
    if (!upload) throw gone();
    open.delete(uploadId);
    return [...upload.parts, last];
  }

  return {
    append(uploadId, text) {
      sweep();
      const id = uploadId ?? deps.newId();
      const upload =
        open.get(id) ?? (uploadId === undefined ? { parts: [], chars: 0, touchedAt: 0 } : null);
      if (!upload) throw gone();
      upload.parts.push(text);
      upload.chars += text.length;
      upload.touchedAt = now();
      if (upload.chars > deps.maxChars) {
        open.delete(id);
        throw new AppError('VALIDATION', 'The file is too large to import.', {
          hint: deps.tooLargeHint,
        });
      }
      open.set(id, upload);
      while (open.size > (deps.maxOpen ?? 8)) {
        const oldest = open.keys().next().value;
        if (oldest === undefined) break;
        open.delete(oldest);
      }
      return { uploadId: id, chars: upload.chars };
    },
    take: (uploadId, last) => takeParts(uploadId, last).join(''),
    takeParts,
    sweep,
    size: () => open.size,
  };
}
