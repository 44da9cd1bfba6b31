// A trail log file longer than one part goes in parts under the cap, and main gets exactly its
// text; a small one is a single call. The files of one import carry main's hold id from one to
// the next, every one but the last asking to be held, and come back once stored.
import { describe, expect, it } from 'vitest';
import {
  TRAIL_PART_MAX_CHARS,
  type AuditImportTrailInput,
  type AuditImportTrailOutput,
} from './channels/audit';
import { emptyTrailSummary } from './audit';
import { createTrailSender, sendTrailParts } from './trail-parts';

const text = JSON.stringify({ Records: [] });

const summary = emptyTrailSummary;

describe('sending a trail file in parts', () => {
  it('sends a long file in parts under the cap and main gets exactly its text', async () => {
    const long = 'x'.repeat(TRAIL_PART_MAX_CHARS * 2 + 123);
    const calls: AuditImportTrailInput[] = [];
    const received: string[] = [];
    const send = (input: AuditImportTrailInput): Promise<AuditImportTrailOutput> => {
      calls.push(input);
      received.push(input.text);
      if (input.more === true) {
        return Promise.resolve({ status: 'partial', uploadId: 'u-1', receivedChars: 0 });
      }
      return Promise.resolve({ status: 'done', file: summary(input.fileName) });
    };
    const answer = await sendTrailParts('big.json', long, send);
    expect(answer.status === 'done' && answer.file.fileName).toBe('big.json');
    expect(calls.map((c) => [c.more ?? false, c.uploadId ?? null, c.text.length])).toEqual([
      [true, null, TRAIL_PART_MAX_CHARS],
      [true, 'u-1', TRAIL_PART_MAX_CHARS],
      [false, 'u-1', 123],
    ]);
    expect(received.join('')).toBe(long);
  });

  it('a small file is one call with no upload id', async () => {
    const calls: AuditImportTrailInput[] = [];
    await expect(
      sendTrailParts('small.json', text, (input) => {
        calls.push(input);
        return Promise.resolve({ status: 'partial', uploadId: 'u', receivedChars: 1 });
      }),
    ).rejects.toThrow('The import did not finish.');
    expect(calls).toEqual([{ fileName: 'small.json', text }]);
  });
});

describe('sending the files of one import', () => {
  it('asks main to hold every file but the last, passing its hold id on', async () => {
    const calls: AuditImportTrailInput[] = [];
    const held: string[] = [];
    const send = (input: AuditImportTrailInput): Promise<AuditImportTrailOutput> => {
      calls.push(input);
      if (input.hold === true) {
        held.push(input.fileName);
        // Main stores a batch as it fills: the second answer tells the first file stored.
        const stored = held.length === 2 ? [summary('a.json')] : [];
        return Promise.resolve({ status: 'held', holdId: 'h-1', stored });
      }
      return Promise.resolve({
        status: 'done',
        file: summary(input.fileName),
        stored: [summary('b.json')],
      });
    };
    const sendFile = createTrailSender(send);
    expect(await sendFile('a.json', text, { last: false })).toEqual([]);
    expect((await sendFile('b.json', text, { last: false })).map((f) => f.fileName)).toEqual([
      'a.json',
    ]);
    expect((await sendFile('c.json', text, { last: true })).map((f) => f.fileName)).toEqual([
      'b.json',
      'c.json',
    ]);
    expect(calls.map((c) => [c.fileName, c.hold ?? false, c.holdId ?? null])).toEqual([
      ['a.json', true, null],
      ['b.json', true, 'h-1'],
      ['c.json', false, 'h-1'],
    ]);
  });

  it('starts a new import after a failed call', async () => {
    const calls: AuditImportTrailInput[] = [];
    let fail = false;
    const sendFile = createTrailSender((input) => {
      calls.push(input);
      if (fail) return Promise.reject(new Error('no account'));
      return Promise.resolve({ status: 'held', holdId: 'h-1', stored: [] });
    });
    await sendFile('a.json', text, { last: false });
    fail = true;
    await expect(sendFile('b.json', text, { last: false })).rejects.toThrow('no account');
    fail = false;
    await sendFile('c.json', text, { last: false });
    expect(calls.map((c) => c.holdId ?? null)).toEqual([null, 'h-1', null]);
  });
});
