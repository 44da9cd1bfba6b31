// The resolution history file: clearing (atomically, for good), and the bound on its size
// (compaction keeps exactly the newest HISTORY_KEEP entries, in order, across reloads).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolutionEntry } from '../../../shared/channels/customers';
import {
  createResolutionHistoryFile,
  HISTORY_COMPACT_AT,
  HISTORY_KEEP,
} from './resolution-history';

const dirs: string[] = [];
function historyPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meterdesk-history-'));
  dirs.push(dir);
  return join(dir, 'customers', 'resolutions.jsonl');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

const entry = (n: number): ResolutionEntry => ({
  id: `e${n}`,
  at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
  connectionId: 'sandbox',
  connectionName: 'Sandbox',
  region: 'us-east-1',
  tokenHash: n.toString(16).padStart(12, '0'),
  source: 'raw',
  outcome: 'resolved',
});

const linesOf = (path: string): string[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');

function seed(path: string, count: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const text = Array.from({ length: count }, (_, i) => `${JSON.stringify(entry(i))}\n`).join('');
  writeFileSync(path, text, 'utf8');
}

describe('resolution history file: clear', () => {
  it('empties the file, and stays empty after a reload; later appends are kept', () => {
    const path = historyPath();
    const history = createResolutionHistoryFile(path);
    for (let i = 0; i < 5; i += 1) history.append(entry(i));
    expect(history.clear()).toBe(5);
    expect(history.list()).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(createResolutionHistoryFile(path).list()).toEqual([]);
    // No temp file left behind.
    expect(readdirSync(dirname(path))).toEqual(['resolutions.jsonl']);

    history.append(entry(9));
    expect(createResolutionHistoryFile(path).list()).toEqual([entry(9)]);
  });

  it('clears a history that was never written (no folder yet)', () => {
    const path = historyPath();
    expect(createResolutionHistoryFile(path).clear()).toBe(0);
    expect(existsSync(path)).toBe(true);
    expect(createResolutionHistoryFile(path).list()).toEqual([]);
  });
});

describe('resolution history file: bounded', () => {
  it('uses 10,000 kept and 12,000 lines before compaction', () => {
    expect(HISTORY_KEEP).toBe(10_000);
    expect(HISTORY_COMPACT_AT).toBe(12_000);
  });

  it('compacts to exactly the newest 10,000 entries, in order, when the file passes 12,000 lines', () => {
    const path = historyPath();
    seed(path, HISTORY_COMPACT_AT);
    const history = createResolutionHistoryFile(path);
    // At the threshold nothing is rewritten yet; memory holds only the newest 10,000.
    expect(history.list()).toHaveLength(HISTORY_KEEP);
    expect(linesOf(path)).toHaveLength(HISTORY_COMPACT_AT);

    history.append(entry(HISTORY_COMPACT_AT));
    const lines = linesOf(path);
    expect(lines).toHaveLength(HISTORY_KEEP);
    const ids = lines.map((line) => (JSON.parse(line) as ResolutionEntry).id);
    const expected = Array.from(
      { length: HISTORY_KEEP },
      (_, i) => `e${HISTORY_COMPACT_AT + 1 - HISTORY_KEEP + i}`,
    );
    expect(ids).toEqual(expected);
    expect(history.list().map((e) => e.id)).toEqual(expected);
    expect(
      createResolutionHistoryFile(path)
        .list()
        .map((e) => e.id),
    ).toEqual(expected);
    expect(readdirSync(dirname(path))).toEqual(['resolutions.jsonl']);
  });

  it('compacts an oversized file when it is first read', () => {
    const path = historyPath();
    seed(path, HISTORY_COMPACT_AT + 500);
    const list = createResolutionHistoryFile(path).list();
    expect(list).toHaveLength(HISTORY_KEEP);
    expect(list[0]?.id).toBe(`e${HISTORY_COMPACT_AT + 500 - HISTORY_KEEP}`);
    expect(list.at(-1)?.id).toBe(`e${HISTORY_COMPACT_AT + 499}`);
    expect(linesOf(path)).toHaveLength(HISTORY_KEEP);
  });

  it('never holds more than `keep` entries however many are appended (small bounds)', () => {
    const path = historyPath();
    const history = createResolutionHistoryFile(path, { keep: 10, compactAt: 12 });
    for (let i = 0; i < 100; i += 1) {
      history.append(entry(i));
      expect(history.list().length).toBeLessThanOrEqual(10);
      expect(linesOf(path).length).toBeLessThanOrEqual(12);
    }
    const expected = Array.from({ length: 10 }, (_, i) => `e${90 + i}`);
    expect(history.list().map((e) => e.id)).toEqual(expected);
    expect(
      createResolutionHistoryFile(path, { keep: 10, compactAt: 12 })
        .list()
        .map((e) => e.id),
    ).toEqual(expected);
  });

  it('an append after a torn last line is kept, and compaction drops the torn line', () => {
    const path = historyPath();
    seed(path, 3);
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"id":"torn`, 'utf8');
    const history = createResolutionHistoryFile(path, { keep: 3, compactAt: 4 });
    expect(history.list().map((e) => e.id)).toEqual(['e0', 'e1', 'e2']);
    history.append(entry(3));
    // Five lines (three, the torn one, the new one) pass 4: compacted to the newest three.
    expect(linesOf(path)).toHaveLength(3);
    expect(
      createResolutionHistoryFile(path)
        .list()
        .map((e) => e.id),
    ).toEqual(['e1', 'e2', 'e3']);
  });

  it('without compaction, the entry appended after a torn line survives a reload', () => {
    const path = historyPath();
    seed(path, 2);
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"id":"torn`, 'utf8');
    createResolutionHistoryFile(path).append(entry(2));
    expect(
      createResolutionHistoryFile(path)
        .list()
        .map((e) => e.id),
    ).toEqual(['e0', 'e1', 'e2']);
  });
});
