// The submission side of the metering area's channels (submit, cancel, resume, status), and
// the journal's sent-records index for the input side's validators.
import { billingConfirmationRequired } from '../../../shared/billing-confirmation';
import type { meteringSubmitChannels } from '../../../shared/channels/metering-submit';
import { AppError } from '../../../shared/errors';
import { submissionBillingPlan } from '../../services/metering/billing-plan';
import type { PlanCheckPort } from '../../services/metering/plan';
import type { SentRecordsIndex } from '../../services/metering/validate';
import { sentIndex } from '../../services/journal/query';
import { createBillingGuard } from './billing-guard';
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

/** The submission side's checks of every preview: what it would bill, and where. */
export function planChecks(deps: CoreDeps): PlanCheckPort {
  const guard = createBillingGuard(deps);
  return {
    recordIssues: () => Promise.resolve(new Map()),
    async summary(stored) {
      if (stored === null) return { billing: null };
      const target = await guard.target(stored.connectionId);
      return { billing: guard.preview(submissionBillingPlan(target, stored.records, stored.plan)) };
    },
  };
}

export function submitHandlers(
  deps: CoreDeps,
  input: Pick<MeteringInput, 'catalog' | 'plans'>,
): AreaWiring<SubmitChannel>['handlers'] {
  const area = submissionArea(deps);
  const guard = createBillingGuard(deps);
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
        // A dry run meters nothing; everything else is checked against what the user confirmed.
        if (request.dryRun !== true) {
          const target = await guard.target(stored.connectionId);
          guard.require(
            submissionBillingPlan(target, stored.records, stored.plan),
            request.confirmation,
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
      if (request.dryRun !== true && billingConfirmationRequired(deps.connections.active())) {
        throw new AppError(
          'CONFIRMATION_REQUIRED',
          'Records sent without a preview are refused on a real connection: what bills must first be previewed and confirmed. Nothing was sent.',
          {
            hint: 'Preview the records (metering:plan), then submit its planId with the typed confirmation.',
          },
        );
      }
      return area.submitRecords({
        operation: request.operation,
        records: request.records,
        catalog,
        ...(request.dryRun === undefined ? {} : { dryRun: request.dryRun }),
      });
    },
    'metering:cancel': ({ submissionId }) => ({ cancelled: area.engine.cancel(submissionId) }),
    'metering:resume-preview': ({ submissionId }) => area.resumePreview(submissionId),
    'metering:resume': ({ submissionId, confirmation }) => area.resume(submissionId, confirmation),
    'metering:submission-status': ({ submissionId }) => area.status(submissionId),
  };
}
