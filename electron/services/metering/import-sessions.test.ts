// An import stays while its screen keeps it (however many files are imported after it), and
// what nobody finishes or keeps is freed: an upload after ten minutes without a new part, an
// import after ten minutes without the screen saying it still shows it.
import { describe, expect, it } from 'vitest';
import type { ImportResult } from './csv-import';
import { createImportSessions, IMPORT_IDLE_MS, UPLOAD_IDLE_MS } from './import-sessions';

const emptyResult = (): ImportResult => ({
  summary: {
    fileName: 'f.csv',
    delimiter: ',',
    fileRows: 0,
    records: 0,
    ready: 0,
    review: 0,
    byReason: { invalid: 0, duplicate: 0, window: 0, 'already-sent': 0, 'row-shape': 0, zone: 0 },
    aggregated: false,
    rowsMerged: 0,
    identicalLinesMerged: 0,
    zone: null,
    zonelessRows: 0,
    columns: [],
    notices: [],
    milliseconds: 0,
  },
  rows: [],
  ready: [],
  review: [],
});

function sessions() {
  let now = Date.UTC(2026, 6, 15, 12);
  let n = 0;
  const s = createImportSessions({ newId: () => `id-${String(++n)}`, now: () => now });
  return { s, advance: (ms: number) => (now += ms) };
}

describe('uploads', () => {
  it('an upload abandoned for ten minutes is freed; one still sending parts is not', () => {
    const { s, advance } = sessions();
    const abandoned = s.append(undefined, 'a'.repeat(1000)).uploadId;
    const busy = s.append(undefined, 'b').uploadId;
    advance(UPLOAD_IDLE_MS - 60_000);
    s.append(busy, 'b');
    advance(60_000);
    expect(s.sweep()).toEqual({ uploads: 1, imports: 0 });
    expect(s.held().uploads).toBe(1);
    expect(() => s.take(abandoned, '')).toThrow(/no longer open/);
    expect(s.take(busy, 'c')).toEqual(['b', 'b', 'c']);
  });
});

describe('imports', () => {
  it('are not dropped by newer imports', () => {
    const { s } = sessions();
    const first = s.keep(emptyResult());
    for (let i = 0; i < 10; i++) s.keep(emptyResult());
    expect(s.get(first.handle).handle).toBe(first.handle);
    expect(s.held().imports).toBe(11);
  });

  it('stay while the screen keeps them alive, and go ten minutes after it stops', () => {
    const { s, advance } = sessions();
    const kept = s.keep(emptyResult());
    const left = s.keep(emptyResult());
    for (let minute = 0; minute < 30; minute++) {
      advance(60_000);
      expect(s.keepAlive([kept.handle]).alive).toEqual([kept.handle]);
    }
    expect(s.page(kept.handle, 'ready', 0, 10).total).toBe(0);
    expect(() => s.get(left.handle)).toThrow(/no longer available/);
    expect(s.keepAlive([left.handle])).toEqual({ alive: [] });
    advance(IMPORT_IDLE_MS);
    expect(() => s.get(kept.handle)).toThrow(/no longer available/);
  });

  it('close frees an import at once', () => {
    const { s } = sessions();
    const session = s.keep(emptyResult());
    expect(s.close(session.handle)).toEqual({ closed: true });
    expect(s.close(session.handle)).toEqual({ closed: false });
    expect(() => s.get(session.handle)).toThrow(/no longer available/);
  });
});
