// Parts of a file buffered until the last one: joined in order, refused past the size cap, the
// oldest unfinished upload dropped past the open cap, and an idle one dropped by the clock.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { createPartUploads } from './part-uploads';

function ids(): () => string {
  let n = 0;
  return () => `u${String(++n)}`;
}

const codeOf = (work: () => unknown): string | undefined => {
  try {
    work();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
};

describe('part uploads', () => {
  it('joins the parts in order with the last one, and forgets the upload', () => {
    const uploads = createPartUploads({ newId: ids(), maxChars: 100, tooLargeHint: 'smaller' });
    const { uploadId } = uploads.append(undefined, 'ab');
    expect(uploads.append(uploadId, 'cd')).toEqual({ uploadId, chars: 4 });
    expect(uploads.take(uploadId, 'ef')).toBe('abcdef');
    expect(uploads.size()).toBe(0);
    expect(codeOf(() => uploads.take(uploadId, ''))).toBe('NOT_FOUND');
    expect(uploads.takeParts(undefined, 'whole')).toEqual(['whole']);
  });

  it('refuses a file past the size cap and drops it', () => {
    const uploads = createPartUploads({ newId: ids(), maxChars: 5, tooLargeHint: 'smaller' });
    const { uploadId } = uploads.append(undefined, 'abc');
    expect(codeOf(() => uploads.append(uploadId, 'def'))).toBe('VALIDATION');
    expect(uploads.size()).toBe(0);
  });

  it('drops the oldest unfinished upload past the open cap', () => {
    const uploads = createPartUploads({
      newId: ids(),
      maxChars: 100,
      tooLargeHint: 'smaller',
      maxOpen: 2,
    });
    const first = uploads.append(undefined, 'a').uploadId;
    const second = uploads.append(undefined, 'b').uploadId;
    uploads.append(undefined, 'c');
    expect(uploads.size()).toBe(2);
    expect(codeOf(() => uploads.take(first, ''))).toBe('NOT_FOUND');
    expect(uploads.takeParts(second, 'x')).toEqual(['b', 'x']);
  });

  it('drops an upload with no new part for the idle time, and keeps one that is fed', () => {
    let now = 0;
    const uploads = createPartUploads({
      newId: ids(),
      maxChars: 100,
      tooLargeHint: 'smaller',
      idle: { ms: 1_000, now: () => now },
    });
    const idle = uploads.append(undefined, 'a').uploadId;
    const fed = uploads.append(undefined, 'b').uploadId;
    now = 900;
    uploads.append(fed, 'c');
    now = 1_000;
    expect(uploads.sweep()).toBe(1);
    expect(codeOf(() => uploads.take(idle, ''))).toBe('NOT_FOUND');
    expect(uploads.take(fed, 'd')).toBe('bcd');
  });
});
