// A journal file and its anchor held in memory, for tests that write a journal and then read,
// edit or cut its text.
import type { JournalAnchor } from '../anchor';
import type { JournalFile } from '../journal';

export type MemoryJournalFile = JournalFile & { data: string; anchored: JournalAnchor | null };

export function memoryJournalFile(): MemoryJournalFile {
  const file: MemoryJournalFile = {
    data: '',
    anchored: null,
    append: (data) => {
      file.data += data;
      return Promise.resolve();
    },
    readAll: () => Promise.resolve(file.data),
    anchor: {
      read: () => Promise.resolve(file.anchored),
      write: (anchor) => {
        file.anchored = anchor;
        return Promise.resolve();
      },
    },
    archive: () => Promise.reject(new Error('this memory journal keeps no archives')),
    readArchives: () => Promise.resolve([]),
  };
  return file;
}
