// A trail log file longer than one part goes in parts under the cap, and main gets exactly its
// text; a small one is a single call.
import { describe, expect, it } from 'vitest';
import {
  TRAIL_PART_MAX_CHARS,
  type AuditImportTrailInput,
  type AuditImportTrailOutput,
} from './channels/audit';
import { sendTrailParts } from './trail-parts';

const text = JSON.stringify({ Records: [] });

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
      return Promise.resolve({
        status: 'done',
        file: {
          fileName: input.fileName,
          events: 0,
          meteringEvents: 0,
          added: 0,
          duplicates: 0,
          otherAccounts: 0,
          unplaceable: 0,
          truncated: 0,
          beyondLookup: 0,
          regions: [],
        },
      });
    };
    const summary = await sendTrailParts('big.json', long, send);
    expect(summary.fileName).toBe('big.json');
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
