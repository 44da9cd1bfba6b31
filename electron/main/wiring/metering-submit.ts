// The submission side of the metering area's channels (submit, cancel, resume, status), and
// the journal's sent-records index for the input side's validators.
import type { meteringSubmitChannels } from '../../../shared/channels/metering-submit';
import { AppError } from '../../../shared/errors';
import type { SentRecordsIndex } from '../../services/metering/validate';
import { sentIndex } from '../../services/journal/query';
import type { MeteringInput } from './metering';
import { submissionArea } from './submission';
import type { AreaWiring, CoreDeps } from './types';

type SubmitChannel = keyof typeof meteringSubmitChannels;

/** recordKey → quantity already billed on the active connection's account and region. */
export function journalSentIndex(deps: CoreDeps): SentRecordsIndex {
  return {
    async lookup(keys) {
      const active = deps.connections.active();
      if (!active || keys.length === 0) return new Map();
      const index = await submissionArea(deps).index();
      const sent = sentIndex(index.rows, {
        account: active.accountId ?? '',
        region: active.region,
      });
      const found = new Map<string, number>();
      for (const key of keys) {
        const entry = sent.get(key);
        if (entry) found.set(key, entry.quantity);
      }
      return found;
    },
  };
}

export function submitHandlers(
  deps: CoreDeps,
  input: Pick<MeteringInput, 'catalog' | 'plans'>,
): AreaWiring<SubmitChannel>['handlers'] {
  const area = submissionArea(deps);
  // A preview is submitted once: a double click must not start a second submission.
  const submittedPlans = new Set<string>();
  return {
    'metering:submit': async (request) => {
      const catalog = await input.catalog.products();
      if (request.planId !== undefined) {
        const stored = input.plans.get(request.planId);
        if (!stored) {
          throw new AppError('NOT_FOUND', 'This preview is no longer available.', {
            hint: 'Preview the records again, then submit.',
          });
        }
        if (submittedPlans.has(request.planId)) {
          throw new AppError('CONFLICT', 'This preview was already submitted.', {
            hint: 'Its progress and outcomes are in the Journal.',
          });
        }
        const active = deps.connections.active();
        if (!active || active.id !== stored.connectionId) {
          throw new AppError(
            'CONFLICT',
            'The active connection changed since the preview; nothing was sent.',
            { hint: 'Preview again on the connection you mean to bill.' },
          );
        }
        const operations = new Set(stored.records.map((r) => r.operation));
        const [operation] = operations;
        if (operation === undefined || operations.size > 1) {
          throw new AppError(
            'VALIDATION',
            'Submit SaaS (BatchMeterUsage) and AMI/container (MeterUsage) usage separately.',
          );
        }
        submittedPlans.add(request.planId);
        try {
          return await area.submitRecords({
            operation,
            records: stored.records,
            catalog,
            ...(request.dryRun === undefined ? {} : { dryRun: request.dryRun }),
            calls: stored.plan.calls.map((c) => c.recordIndexes),
          });
        } catch (error) {
          submittedPlans.delete(request.planId);
          throw error;
        }
      }
      if (request.operation === undefined || request.records === undefined) {
        throw new AppError('VALIDATION', 'Give either planId, or operation and records.');
      }
      return area.submitRecords({
        operation: request.operation,
        records: request.records,
        catalog,
        ...(request.dryRun === undefined ? {} : { dryRun: request.dryRun }),
      });
    },
    'metering:cancel': ({ submissionId }) => ({ cancelled: area.engine.cancel(submissionId) }),
    'metering:resume': ({ submissionId }) => area.resume(submissionId),
    'metering:submission-status': ({ submissionId }) => area.status(submissionId),
  };
}
