// Unsent metering work per connection: the editor's records as typed and the open import. The
// import is kept as the file it read (and how it read it), because an import's handle lives only
// as long as the process: after a restart the draft reads the file again, which gives the same
// rows under the same indices, so what was taken out of the import still applies.
import type {
  DraftExclusion,
  DraftRecord,
  MeteringDraft,
  SaveDraftInput,
} from '../../../shared/channels/drafts';
import { AppError } from '../../../shared/errors';
import type { ImportSource } from '../metering/import-sessions';

type ReopenedImport = NonNullable<MeteringDraft['import']>['result'];

/** The open imports of this process, as drafts need them. */
export type ImportDrafts = {
  /** The file behind an open import, or undefined when the handle is gone. */
  source: (handle: string) => ImportSource | undefined;
  /** Reads a kept file again into a new open import. */
  reopen: (source: ImportSource) => Promise<ReopenedImport>;
};

export type StoredDraft = {
  records: DraftRecord[];
  /** The handle the renderer last saved with (a restore gives a new one). */
  import: { handle: string; excluded: DraftExclusion[] } | null;
  savedAt: number;
};

/** One draft and its import file per connection; a missing one reads as undefined. */
export type DraftStore = {
  read: (connectionId: string) => Promise<StoredDraft | undefined>;
  write: (connectionId: string, draft: StoredDraft) => Promise<void>;
  readSource: (connectionId: string) => Promise<ImportSource | undefined>;
  writeSource: (connectionId: string, source: ImportSource) => Promise<void>;
  remove: (connectionId: string) => Promise<void>;
};

export type DraftsDeps = {
  store: DraftStore;
  imports: ImportDrafts;
  now: () => number;
};

export function createDraftsService(deps: DraftsDeps) {
  /** The saved import part: the file is stored again only when the handle changed. */
  async function keepImport(
    connectionId: string,
    saved: SaveDraftInput['import'],
  ): Promise<StoredDraft['import']> {
    if (saved === null) return null;
    const previous = await deps.store.read(connectionId);
    if (previous?.import?.handle !== saved.handle) {
      const source = deps.imports.source(saved.handle);
      if (!source) {
        throw new AppError('NOT_FOUND', 'The open import is no longer in memory.', {
          hint: 'Import the file again; the records in the editor were kept.',
        });
      }
      await deps.store.writeSource(connectionId, source);
    }
    return { handle: saved.handle, excluded: saved.excluded };
  }

  async function save(input: SaveDraftInput): Promise<{ savedAt: number }> {
    const savedAt = deps.now();
    if (input.records.length === 0 && input.import === null) {
      await deps.store.remove(input.connectionId);
      return { savedAt };
    }
    let kept: StoredDraft['import'];
    try {
      kept = await keepImport(input.connectionId, input.import);
    } catch (error) {
      // The records are saved whatever happens to the import.
      await deps.store.write(input.connectionId, { records: input.records, import: null, savedAt });
      throw error;
    }
    await deps.store.write(input.connectionId, { records: input.records, import: kept, savedAt });
    return { savedAt };
  }

  async function get(connectionId: string): Promise<MeteringDraft | null> {
    const stored = await deps.store.read(connectionId);
    if (!stored) return null;
    const draft: MeteringDraft = { records: stored.records, import: null, savedAt: stored.savedAt };
    if (!stored.import) return draft;
    const source = await deps.store.readSource(connectionId);
    if (!source) {
      draft.importProblem = 'The imported file was not kept; import it again.';
      return draft;
    }
    try {
      const result = await deps.imports.reopen(source);
      draft.import = { result, excluded: stored.import.excluded };
      // Later saves name the new handle; the file behind it is the one already kept.
      await deps.store.write(connectionId, {
        ...stored,
        import: { ...stored.import, handle: result.summary.handle },
      });
    } catch (error) {
      draft.importProblem = `The imported file could not be read again: ${
        error instanceof Error ? error.message : String(error)
      }`;
    }
    return draft;
  }

  return { get, save };
}

export type DraftsService = ReturnType<typeof createDraftsService>;
