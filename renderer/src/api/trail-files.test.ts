// Trail log files in the window: a .json.gz decompressed (by its name or its gzip magic bytes),
// the console's plain JSON read as is.
import { Blob as NodeBlob } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isTrailFile, readTrailText } from './trail-files';

/** A chosen file as the window's File gives it (Node's Blob: jsdom's has no stream()). */
const file = (parts: (string | Uint8Array)[], name: string) =>
  Object.assign(new NodeBlob(parts), { name }) as unknown as Blob & { name: string };

const text = JSON.stringify({
  Records: [{ eventID: 'ev-1', eventSource: 'metering-marketplace.amazonaws.com' }],
});

describe('reading trail files in the window', () => {
  it('takes .json and .json.gz files, nothing else', () => {
    expect(isTrailFile('123456789012_CloudTrail_us-east-1_20260710T1105Z_abc.json.gz')).toBe(true);
    expect(isTrailFile('event_history.json')).toBe(true);
    expect(isTrailFile('notes.txt')).toBe(false);
    expect(isTrailFile('digest.csv')).toBe(false);
  });

  it('decompresses a .gz, and a gzip file whatever its name; reads plain JSON as is', async () => {
    const gz = gzipSync(text);
    expect(await readTrailText(file([gz], 'trail.json.gz'))).toBe(text);
    expect(await readTrailText(file([gz], 'renamed.json'))).toBe(text);
    expect(await readTrailText(file([text], 'event_history.json'))).toBe(text);
  });
});
