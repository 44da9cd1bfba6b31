// The crash test's victim: submits records to a sandbox through the real engine, SDK and disk
// journal (or, in resume mode, resumes what the journal holds interrupted), printing one line per
// settled call, until the test kills it with SIGKILL.
// `tsx crash-child.ts <config.json>`; not part of the app.
import { readFileSync } from 'node:fs';
import { MarketplaceMeteringClient } from '@aws-sdk/client-marketplace-metering';
import { createMeteringApi } from '../../../adapters/aws/metering-api';
import { createPacer, realTime } from '../../../adapters/aws/pacer';
import { createJournalFile } from '../../../adapters/storage/journal-file';
import { createJournal } from '../../journal/journal';
import { createSubmissionEngine, type EngineRecord } from '../engine';
import { planResume } from '../resume';

export type CrashChildConfig = {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  dataDir: string;
  records: EngineRecord[];
  ratePerSecond: number;
  /** 'resume': resend what the journal holds interrupted instead of submitting `records`. */
  mode?: 'submit' | 'resume';
  context: {
    connectionId: string;
    connectionName: string;
    account: string;
    region: string;
    osUser: string;
  };
};

async function main(): Promise<void> {
  const path = process.argv[2];
  if (path === undefined) throw new Error('usage: crash-child <config.json>');
  const config = JSON.parse(readFileSync(path, 'utf8')) as CrashChildConfig;
  const client = new MarketplaceMeteringClient({
    region: config.region,
    endpoint: config.endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
  });
  const journal = createJournal(createJournalFile(config.dataDir));
  let settled = 0;
  const engine = createSubmissionEngine({
    api: createMeteringApi(client, { region: config.region }),
    journal,
    pacer: createPacer({ ...realTime, rates: { BatchMeterUsage: config.ratePerSecond } }),
    time: realTime,
    concurrency: 4,
    backoffBaseMs: 5,
    throttleBaseMs: 10,
    backoffCapMs: 50,
    onOutcomes: () => {
      settled += 1;
      process.stdout.write(`call ${settled}\n`);
    },
  });
  await journal.open();
  process.stdout.write('ready\n');
  const pacerKey = { accountId: config.context.account, region: config.region };
  if (config.mode === 'resume') {
    let success = 0;
    for (const interrupted of await journal.interruptedSubmissions()) {
      const plan = await planResume(journal, interrupted.submissionId);
      const handle = await engine.submit({
        operation: plan.operation,
        records: plan.records,
        context: config.context,
        pacerKey,
        resendOf: interrupted.submissionId,
      });
      success += (await handle.done).counts.success;
    }
    process.stdout.write(`done resumed ${success}\n`);
  } else {
    const handle = await engine.submit({
      operation: 'BatchMeterUsage',
      records: config.records,
      context: config.context,
      pacerKey,
    });
    const result = await handle.done;
    process.stdout.write(`done ${result.state} ${result.counts.success}\n`);
  }
  client.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`crash-child: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
