// Unsent metering work, kept in main per connection so it survives navigation, a reload and a
// restart: the editor's records as typed and the open CSV import (main keeps the file it read and
// reads it again on restore, so the same rows come back under the same indices).
import { z } from 'zod';
import { usageRecordDraftSchema } from '../metering';
import { importCsvOutputSchema } from './metering';
import type { ChannelTable } from './table';

const text = z.string().max(2000);

/** One editor record as typed (text, not yet parsed: a draft may be half-written). */
export const draftRecordSchema = z
  .object({
    productId: text,
    customerIdentifier: text,
    customerAwsAccountId: text,
    licenseArn: text,
    dimension: text,
    quantity: text,
    timestamp: text,
    allocations: z.array(z.object({ quantity: text, tags: text }).strict()).max(2500),
    acknowledgeUnknownDimension: z.boolean(),
    fromImport: z
      .object({ index: z.number().int().min(0), lines: z.array(z.number().int()).max(10_000) })
      .strict()
      .optional(),
    importProblem: usageRecordDraftSchema.shape.importProblem,
    importProblemChecked: z.boolean().optional(),
  })
  .strict();
export type DraftRecord = z.infer<typeof draftRecordSchema>;

/** What was taken out of the import: into the editor, left out, or merged into a record. */
export const draftExclusionSchema = z
  .object({
    index: z.number().int().min(0),
    status: z.enum(['ready', 'review']),
    to: z.enum(['editor', 'removed', 'merged']),
  })
  .strict();
export type DraftExclusion = z.infer<typeof draftExclusionSchema>;

export const draftImportSchema = z
  .object({
    /** The open import's handle in main; main keeps the file it read under it. */
    handle: z.string().max(100),
    excluded: z.array(draftExclusionSchema).max(100_000),
  })
  .strict();

export const saveDraftInputSchema = z
  .object({
    connectionId: z.string().min(1).max(200),
    records: z.array(draftRecordSchema).max(5000),
    import: draftImportSchema.nullable(),
  })
  .strict();
export type SaveDraftInput = z.infer<typeof saveDraftInputSchema>;

const restoredImportSchema = z.object({
  /** The import read again from the kept file: a fresh handle, the same rows and indices. */
  result: importCsvOutputSchema.options[1],
  excluded: z.array(draftExclusionSchema),
});

export const meteringDraftSchema = z.object({
  records: z.array(draftRecordSchema),
  import: restoredImportSchema.nullable(),
  /** Why the import could not be reopened (its file is gone or no longer reads). */
  importProblem: z.string().optional(),
  savedAt: z.number(),
});
export type MeteringDraft = z.infer<typeof meteringDraftSchema>;

export const draftsChannels = {
  /** The connection's unsent work, or null when there is none. */
  'drafts:get': {
    input: z.object({ connectionId: z.string().min(1).max(200) }).strict(),
    output: meteringDraftSchema.nullable(),
  },
  /** Replaces the connection's draft (no records and no import removes it). */
  'drafts:save': {
    input: saveDraftInputSchema,
    output: z.object({ savedAt: z.number() }),
  },
} as const satisfies ChannelTable;
