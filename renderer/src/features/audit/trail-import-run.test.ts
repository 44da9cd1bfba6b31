// The window's import of several trail files: every file but the last lets main hold it, the
// progress counts a file only once main tells it stored, the last readable file ends the import
// even when files after it cannot be read, Stop sends the file already read as the last, and a
// failed call lists the files main held as not confirmed.
import { describe, expect, it } from 'vitest';
import type { TrailFileSummary } from '../../../../shared/audit';
import { runTrailImport, type Totals } from './trail-import-run';

function summary(fileName: string, added = 1): TrailFileSummary {
  return {
    fileName,
    events: 1,
    meteringEvents: 1,
    added,
    duplicates: 1 - added,
    otherAccounts: 0,
    unplaceable: 0,
    truncated: 0,
    beyondLookup: 0,
    regions: ['us-east-1'],
  };
}

/** A main that holds every file it may and tells them all stored with the last. */
function holdingMain(failOn?: string) {
  const sent: [string, boolean][] = [];
  let held: string[] = [];
  const sendFile = (name: string, _text: string, options: { last: boolean }) => {
    sent.push([name, options.last]);
    if (name === failOn) {
      held = [];
      return Promise.reject(new Error('The audit cache is closed.'));
    }
    if (!options.last) {
      held.push(name);
      return Promise.resolve([]);
    }
    const stored = [...held, name].map((n) => summary(n));
    held = [];
    return Promise.resolve(stored);
  };
  return { sent, sendFile };
}

const file = (name: string, readable = true) => ({
  name,
  read: () =>
    readable ? Promise.resolve('{"Records":[]}') : Promise.reject(new Error('Not gzip data.')),
});

describe('importing several trail files from the window', () => {
  it('counts a file done only once main tells it stored', async () => {
    const main = holdingMain();
    const progress: number[] = [];
    const totals = await runTrailImport([file('a'), file('b'), file('c')], {
      sendFile: main.sendFile,
      stopped: () => false,
      onTotals: (t: Totals) => progress.push(t.done),
    });
    expect(main.sent).toEqual([
      ['a', false],
      ['b', false],
      ['c', true],
    ]);
    expect(progress).toEqual([0, 0, 0, 3]);
    expect(totals).toMatchObject({ files: 3, done: 3, added: 3, unreadable: [] });
  });

  it('ends the import with the last readable file when the files after it cannot be read', async () => {
    const main = holdingMain();
    const totals = await runTrailImport([file('a'), file('b'), file('c', false)], {
      sendFile: main.sendFile,
      stopped: () => false,
      onTotals: () => undefined,
    });
    expect(main.sent).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(totals).toMatchObject({
      done: 3,
      added: 2,
      unreadable: [{ fileName: 'c', reason: 'Not gzip data.' }],
    });
  });

  it('on Stop sends the file already read as the last one', async () => {
    const main = holdingMain();
    let reads = 0;
    const counted = (name: string) => ({
      name,
      read: () => {
        reads += 1;
        return Promise.resolve('{"Records":[]}');
      },
    });
    const totals = await runTrailImport([counted('a'), counted('b'), counted('c')], {
      sendFile: main.sendFile,
      stopped: () => reads >= 2,
      onTotals: () => undefined,
    });
    expect(main.sent).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(totals).toMatchObject({ files: 3, done: 2 });
  });

  it('lists the files main held as not confirmed when a later call fails', async () => {
    const main = holdingMain('c');
    const totals = await runTrailImport([file('a'), file('b'), file('c'), file('d')], {
      sendFile: main.sendFile,
      stopped: () => false,
      onTotals: () => undefined,
    });
    expect(totals.added).toBe(1);
    expect(totals.unreadable).toEqual([
      { fileName: 'c', reason: 'The audit cache is closed.' },
      {
        fileName: 'a',
        reason: 'Not confirmed stored (The audit cache is closed.). Import it again.',
      },
      {
        fileName: 'b',
        reason: 'Not confirmed stored (The audit cache is closed.). Import it again.',
      },
    ]);
    // The file after the failure starts a new import and is stored.
    expect(main.sent.at(-1)).toEqual(['d', true]);
  });

  it('shows a file main could not store with its reason', async () => {
    const totals = await runTrailImport([file('a')], {
      sendFile: (name) => Promise.resolve([{ ...summary(name, 0), notStored: 'disk full' }]),
      stopped: () => false,
      onTotals: () => undefined,
    });
    expect(totals).toMatchObject({
      done: 1,
      added: 0,
      unreadable: [{ fileName: 'a', reason: 'Not stored (disk full). Import it again.' }],
    });
  });
});
