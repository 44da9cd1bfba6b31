// Property: whatever was appended, any single-byte edit, any truncation and any deleted line is
// detected by verify (against the chain and its anchor). The one change that loses nothing, the
// last line's newline cut off, is the only one allowed to verify.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JournalContext } from '../../../shared/journal';
import { createJournal, type AppendableEntry } from './journal';
import { memoryJournalFile as memoryFile } from './testing/memory-file';

const SEED = 20261126;

const context: JournalContext = {
  connectionId: 'c1',
  connectionName: 'Prod seller',
  account: '123456789012',
  region: 'us-east-1',
  osUser: 'ana',
};

const entryArb: fc.Arbitrary<AppendableEntry> = fc.oneof(
  fc
    .record({
      id: fc.stringMatching(/^s[0-9a-z]{1,8}$/),
      records: fc.integer({ min: 1, max: 500 }),
    })
    .map(({ id, records }): AppendableEntry => ({
      kind: 'submission-started',
      submissionId: id,
      operation: 'BatchMeterUsage',
      context,
      groups: [{ productCode: 'prod-1', records }],
      totalRecords: records,
    })),
  fc
    .record({
      id: fc.stringMatching(/^s[0-9a-z]{1,8}$/),
      quantity: fc.integer({ min: 0, max: 1_000_000 }),
      dimension: fc.stringMatching(/^[a-z_]{1,12}$/),
    })
    .map(({ id, quantity, dimension }): AppendableEntry => ({
      kind: 'call-intent',
      submissionId: id,
      callId: `${id}.1`,
      context,
      attempt: 1,
      operation: 'BatchMeterUsage',
      productCode: 'prod-1',
      records: [
        {
          key: `${id}-r1`,
          record: {
            Timestamp: '2026-08-01T10:00:00.000Z',
            CustomerAWSAccountId: '210987654321',
            Dimension: dimension,
            Quantity: quantity,
          },
        },
      ],
    })),
  fc.stringMatching(/^s[0-9a-z]{1,8}$/).map((id): AppendableEntry => ({
    kind: 'submission-finished',
    submissionId: id,
    context,
    counts: { success: 1, duplicate: 0, customerNotSubscribed: 0, rejected: 0, unprocessed: 0 },
  })),
);

type Damage =
  | { kind: 'edit'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete-line'; line: number };

const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete-line' as const), line: fc.nat() }),
);

/** The journal's bytes with one damage done. */
function damaged(text: string, damage: Damage): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  switch (damage.kind) {
    case 'edit': {
      const at = damage.at % bytes.length;
      const byte = ((bytes[at] ?? 0) + damage.byte) % 256;
      const copy = Buffer.from(bytes);
      copy[at] = byte;
      return copy;
    }
    case 'truncate':
      return bytes.subarray(0, damage.at % bytes.length);
    case 'delete-line': {
      const lines = text.split('\n').slice(0, -1);
      lines.splice(damage.line % lines.length, 1);
      return Buffer.from(lines.map((line) => `${line}\n`).join(''), 'utf8');
    }
  }
}

describe('journal damage (property)', () => {
  it('detects any single-byte edit, truncation or deleted line after any appends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entryArb, { minLength: 1, maxLength: 12 }),
        damageArb,
        async (entries, damage) => {
          const file = memoryFile();
          let tick = Date.UTC(2026, 7, 1, 10, 0, 0);
          const journal = createJournal(file, { now: () => (tick += 1000) });
          for (const entry of entries) await journal.append(entry);
          expect(await createJournal(file).verify()).toMatchObject({ ok: true });

          const original = file.data;
          const bytes = damaged(original, damage);
          file.data = bytes.toString('utf8');
          const onlyNewlineLost = file.data === original.slice(0, -1);
          const report = await createJournal(file).verify();
          if (onlyNewlineLost) expect(report.ok).toBe(true);
          else expect(report).toMatchObject({ ok: false });
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
