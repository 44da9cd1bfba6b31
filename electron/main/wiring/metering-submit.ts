// The submission side of the metering area's channels (submit, cancel, resume, status), the
// preview's checks (billing preview, records in flight, CloudTrail clashes) and the journal's
// sent-records index for the input side's validators. Every decision is the submission
// service's (services/metering/submissions.ts); this file only connects channels to it.
import type { meteringSubmitChannels } from '../../../shared/channels/metering-submit';
import { AppError } from '../../../shared/errors';
import { sentIndex } from '../../services/journal/query';
import { createPlanChecks } from '../../services/metering/plan-checks';
import type { PlanCheckPort } from '../../services/metering/plan';
import type { SentRecordsIndex } from '../../services/metering/validate';
import { createBillingGuard } from './billing-guard';
import type { MeteringInput } from './metering';
import type { AreaWiring, CoreDeps } from './types';

type SubmitChannel = keyof typeof meteringSubmitChannels;

/** recordKey → quantity already billed on the active connection's account and region. */
export function journalSentIndex(deps: CoreDeps): SentRecordsIndex {
  return {
    async lookup(keys) {
      const active = deps.connections.active();
      if (!active || keys.length === 0) return new Map();
      const index = await deps.submissions.index();
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

/** The submission side's checks of every preview. */
export function planChecks(deps: CoreDeps): PlanCheckPort {
  return createPlanChecks({
    inFlight: (key) => deps.submissions.inFlight(key),
    billed: () => deps.submissions.billed(),
    guard: createBillingGuard(deps),
    active: () => deps.connections.active(),
    now: deps.now,
  });
}

export function submitHandlers(
  deps: CoreDeps,
  input: Pick<MeteringInput, 'catalog' | 'plans'>,
): AreaWiring<SubmitChannel>['handlers'] {
  const service = deps.submissions;
  return {
    'metering:submit': async ({ planId, operation, records, dryRun, confirmation }) => {
      const catalog = await input.catalog.products();
      const options = {
        ...(dryRun === undefined ? {} : { dryRun }),
        ...(confirmation === undefined ? {} : { confirmation }),
      };
      if (planId !== undefined) {
        const stored = input.plans.get(planId);
        if (!stored) {
          throw new AppError('NOT_FOUND', 'This preview is no longer available.', {
            hint: 'Preview the records again, then submit.',
          });
        }
        return service.submitPlan(stored, catalog, options);
      }
      if (operation === undefined || records === undefined) {
        throw new AppError('VALIDATION', 'Give either planId, or operation and records.');
      }
      return service.submitRecords(operation, records, catalog, options);
    },
    'metering:cancel': ({ submissionId }) => ({ cancelled: service.cancel(submissionId) }),
    'metering:resume-preview': ({ submissionId }) => service.resumePreview(submissionId),
    'metering:resume': ({ submissionId, confirmation }) =>
      service.resume(submissionId, confirmation),
    'metering:submission-status': ({ submissionId }) => service.status(submissionId),
  };
}
