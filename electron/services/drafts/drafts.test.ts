import { describe, expect, it } from 'vitest';
import type { DraftRecord, MeteringDraft } from '../../../shared/channels/drafts';
import type { ImportSource } from '../metering/import-sessions';
import { createDraftsService, type DraftStore, type StoredDraft } from './drafts';

type Reopened = NonNullable<MeteringDraft['import']>['result'];

function memoryStore(): DraftStore & {
  drafts: Map<string, StoredDraft>;
  sources: Map<string, ImportSource>;
} {
  const drafts = new Map<string, StoredDraft>();
  const sources = new Map<string, ImportSource>();
  return {
    drafts,
    sources,
    read: (id) => Promise.resolve(drafts.get(id)),
    write: (id, draft) => Promise.resolve(void drafts.set(id, draft)),
    readSource: (id) => Promise.resolve(sources.get(id)),
    writeSource: (id, source) => Promise.resolve(void sources.set(id, source)),
    remove: (id) => {
      drafts.delete(id);
      sources.delete(id);
      return Promise.resolve();
    },
  };
}

const record = (quantity: string): DraftRecord => ({
  productId: 'p1',
  customerIdentifier: '',
  customerAwsAccountId: '053004027029',
  licenseArn: '',
  dimension: 'users',
  quantity,
  timestamp: '2026-07-01T10:00Z',
  allocations: [],
  acknowledgeUnknownDimension: false,
});

/** Open imports of a fake process: handles h1, h2… each reading its file again. */
function fakeImports() {
  const open = new Map<string, ImportSource>();
  let next = 0;
  const reopen = (source: ImportSource): Promise<Reopened> => {
    next += 1;
    const handle = `h${String(next)}`;
    open.set(handle, source);
    return Promise.resolve({
      status: 'done',
      summary: { handle, fileName: source.fileName ?? '' } as Reopened['summary'],
      review: [],
      ready: [],
    });
  };
  return { open, imports: { source: (h: string) => open.get(h), reopen } };
}

describe('metering drafts', () => {
  it('keeps records and the open import per connection, and reads the file again on restore', async () => {
    const store = memoryStore();
    const { open, imports } = fakeImports();
    const drafts = createDraftsService({ store, imports, now: () => 1_000 });
    open.set('first', { text: 'a,b\n1,2\n', aggregate: false, fileName: 'usage.csv' });
    await drafts.save({
      connectionId: 'sandbox',
      records: [record('7')],
      import: { handle: 'first', excluded: [{ index: 2, status: 'ready', to: 'removed' }] },
    });
    await drafts.save({ connectionId: 'prod', records: [record('9')], import: null });

    // A restart: the handle "first" is gone; the kept file is read again under a new handle.
    open.clear();
    const restored = await drafts.get('sandbox');
    expect(restored?.records).toEqual([record('7')]);
    expect(restored?.import?.excluded).toEqual([{ index: 2, status: 'ready', to: 'removed' }]);
    expect(restored?.import?.result.summary.fileName).toBe('usage.csv');
    const handle = restored?.import?.result.summary.handle ?? '';
    expect(open.get(handle)?.text).toBe('a,b\n1,2\n');
    expect((await drafts.get('prod'))?.records).toEqual([record('9')]);

    // Saving with the new handle keeps the same file.
    open.clear();
    await drafts.save({
      connectionId: 'sandbox',
      records: [record('8')],
      import: { handle, excluded: [] },
    });
    expect(store.sources.get('sandbox')?.text).toBe('a,b\n1,2\n');
  });

  it('an empty draft removes it; an import no longer open is refused but the records are kept', async () => {
    const store = memoryStore();
    const { imports } = fakeImports();
    const drafts = createDraftsService({ store, imports, now: () => 1_000 });
    await drafts.save({ connectionId: 'c', records: [record('1')], import: null });
    await drafts.save({ connectionId: 'c', records: [], import: null });
    expect(await drafts.get('c')).toBeNull();
    await expect(
      drafts.save({
        connectionId: 'c',
        records: [record('2')],
        import: { handle: 'gone', excluded: [] },
      }),
    ).rejects.toThrow('no longer in memory');
    expect((await drafts.get('c'))?.records).toEqual([record('2')]);
  });

  it('says why an import could not come back, and still gives the records', async () => {
    const store = memoryStore();
    const drafts = createDraftsService({
      store,
      imports: { source: () => undefined, reopen: () => Promise.reject(new Error('bad file')) },
      now: () => 1_000,
    });
    await store.write('c', {
      records: [record('3')],
      import: { handle: 'x', excluded: [] },
      savedAt: 1,
    });
    const missing = await drafts.get('c');
    expect(missing?.importProblem).toMatch(/not kept/);
    await store.writeSource('c', { text: 'x', aggregate: false });
    const unreadable = await drafts.get('c');
    expect(unreadable?.importProblem).toMatch(/bad file/);
    expect(unreadable?.records).toEqual([record('3')]);
  });
});
