// `npm run journal -- verify [--data DIR]`: checks the journal's hash chain from the command line.
// Prints one verdict line; exit 0 when intact (a torn tail is tolerated), 1 when broken, 2 on misuse.
import { createJournalFile } from '../adapters/storage/journal-file';
import { defaultDataFolder, readFlag } from '../adapters/paths';
import { checkAnchor } from '../services/journal/anchor';
import { describeReport, verifyText } from '../services/journal/verify';

async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  if (command !== 'verify') {
    process.stderr.write('Usage: npm run journal -- verify [--data DIR]\n');
    return 2;
  }
  const file = createJournalFile(readFlag(argv, 'data') ?? defaultDataFolder());
  const text = await file.readAll();
  const anchor = (await file.anchor?.read()) ?? null;
  if (text.length === 0 && (anchor === null || anchor.entries === 0)) {
    process.stdout.write(`journal empty: nothing journaled yet (${file.path})\n`);
    return 0;
  }
  // Held against its anchor: a file cut off at a line boundary, deleted or replaced is broken.
  const report = checkAnchor(verifyText(text), anchor).report;
  process.stdout.write(`${describeReport(report, file.path)}\n`);
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`journal: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
