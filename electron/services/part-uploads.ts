// Files that travel to main in parts, so no single call exceeds the bridge's body cap: each
// part is buffered under an upload id until the last one arrives. Pure; used by channels whose
// input is `{ text, uploadId?, more? }`.
import { AppError } from '../../shared/errors';

export type PartUploads = {
  /** Buffers one part; returns the upload id and the characters received so far. */
  append: (uploadId: string | undefined, text: string) => { uploadId: string; chars: number };
  /** The whole text of an upload, ending with `last` (and forgets the upload). */
  take: (uploadId: string | undefined, last: string) => string;
};

export function createPartUploads(deps: {
  newId: () => string;
  /** Largest file accepted, in characters. */
  maxChars: number;
  /** What to tell the user when a file is larger. */
  tooLargeHint: string;
  /** At most this many unfinished uploads are kept (the oldest is dropped). */
  maxOpen?: number;
}): PartUploads {
  const open = new Map<string, { parts: string[]; chars: number }>();
  const gone = (): AppError =>
    new AppError('NOT_FOUND', 'This upload is no longer open.', {
      hint: 'Choose the file again.',
    });
  return {
    append(uploadId, text) {
      const id = uploadId ?? deps.newId();
      const upload = open.get(id) ?? (uploadId === undefined ? { parts: [], chars: 0 } : null);
      if (!upload) throw gone();
      upload.parts.push(text);
      upload.chars += text.length;
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
    take(uploadId, last) {
      if (uploadId === undefined) return last;
      const upload = open.get(uploadId);
      if (!upload) throw gone();
      open.delete(uploadId);
      return upload.parts.join('') + last;
    },
  };
}
