// Wires the submission service (services/metering/submissions.ts): ONE journal writer per data
// folder, one engine paced by the app's one pacer, a metering client per connection and region,
// the billing guard, and its events onto the bus. core.ts creates it once and hands it to the
// metering, journal and audit wiring.
import { randomUUID } from 'node:crypto';
import { createMeteringApi } from '../../adapters/aws/metering-api';
import { realTime } from '../../adapters/aws/pacer';
import { createJournalFile } from '../../adapters/storage/journal-file';
import { createJournal } from '../../services/journal/journal';
import {
  createSubmissionService,
  type SubmissionService,
} from '../../services/metering/submissions';
import { createBillingGuard } from './billing-guard';
import type { CoreDeps } from './types';

export type SubmissionWiring = {
  service: SubmissionService;
  /** The journal file on disk. */
  journalPath: string;
  close: () => Promise<void>;
};

export function wireSubmissions(deps: Omit<CoreDeps, 'submissions'>): SubmissionWiring {
  const file = createJournalFile(deps.dataDir);
  const journal = createJournal(file, { now: deps.now });
  const service = createSubmissionService({
    journal,
    engine: { pacer: deps.pacer, time: realTime },
    connections: deps.connections,
    meteringApi: (connectionId, region) => {
      const client = deps.aws.metering(deps.connections.target(connectionId, region), {
        maxAttempts: 1,
      });
      return { api: createMeteringApi(client, { region }), close: () => client.destroy() };
    },
    guard: createBillingGuard(deps),
    now: deps.now,
    osUser: deps.osUser,
    newSubmissionId: () =>
      `sub-${new Date(deps.now()).toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`,
    newClientToken: randomUUID,
    events: {
      changed: (submissionId) =>
        deps.bus.emit('journal:changed', submissionId === undefined ? {} : { submissionId }),
      outcomes: (submissionId, outcomes) =>
        deps.bus.emit('metering:outcomes', { submissionId, outcomes }),
      progress: (view, info) => {
        deps.bus.emit('metering:submission-progress', view);
        deps.bus.emit('task:progress', {
          taskId: info.submissionId,
          kind: 'metering:submit',
          done: info.done,
          total: info.total,
          ratePerSecond: info.ratePerSecond,
          secondsLeft: info.secondsLeft,
          message:
            info.state === 'running'
              ? `${info.done.toLocaleString('en-US')} of ${info.total.toLocaleString('en-US')} records`
              : `Submission ${info.state}`,
          finished: info.state !== 'running',
        });
      },
      ended: (final) =>
        deps.logger.info('metering: submission ended', {
          submissionId: final.submissionId,
          state: final.state,
          counts: final.counts,
        }),
    },
  });
  // Answers lost on the way back are settled as soon as a CloudTrail sync holds their calls.
  const unsubscribe = deps.bus.subscribe((e) => {
    if (e.event !== 'task:progress' || e.payload.kind !== 'audit:sync' || !e.payload.finished) {
      return;
    }
    service.settleFromCloudTrail().catch((error: unknown) => {
      deps.logger.warn('journal: settling lost answers from CloudTrail failed', { error });
    });
  });
  return {
    service,
    journalPath: file.path,
    // A submission still running is NOT cancelled: it stays open in the journal, so the next
    // start shows it as interrupted with its unresolved records ready to resume.
    close: () => {
      unsubscribe();
      return file.close();
    },
  };
}
