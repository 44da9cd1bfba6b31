// Sending a reviewed proposal, and resending refunds that have no answer: each behind the billing
// guard, with every entry and its client token written down before anything leaves.
import type { BillingConfirmation } from '../../../shared/billing-confirmation';
import type { CaseView } from '../../../shared/channels/corrections';
import { AppError } from '../../../shared/errors';
import { loadOwnCase, refreshCase } from './case-access';
import type { CorrectionsBillingPlan, CorrectionsDeps, StoredCase } from './ports';
import {
  assertNoRefundsInFlight,
  fileRefunds,
  planRefunds,
  unansweredRefunds,
  type RefundEntry,
} from './refunds';
import { planTopUp, sendTopUp } from './topups';

type Proposal = NonNullable<CaseView['proposal']>;
type TopUpEntry = ReturnType<typeof planTopUp>;

function sendPlan(stored: StoredCase, view: CaseView): CorrectionsBillingPlan {
  const proposal = view.proposal;
  return {
    action: `Send the corrections of case ${stored.caseId}`,
    caseId: stored.caseId,
    connection: stored.connection,
    dimension: stored.dimension,
    topUps: proposal?.topUp?.records ?? [],
    refunds: (proposal?.refunds ?? []).map((r) => ({
      invoiceId: r.invoice.invoiceId,
      amount: r.amount,
      currencyCode: r.invoice.currencyCode,
      units: r.units,
    })),
  };
}

/** The proposal the user reviewed, still current, unblocked and with something to send. */
function reviewedProposal(view: CaseView, proposalId: string): Proposal {
  const proposal = view.proposal;
  if (!proposal || proposal.proposalId !== proposalId) {
    throw new AppError('CONFLICT', 'The case changed since you reviewed it; nothing was sent.', {
      hint: 'Review the new proposal, then send again.',
    });
  }
  if (proposal.blockers.length > 0) {
    throw new AppError('VALIDATION', `Nothing was sent: ${proposal.blockers.join(' ')}`, {
      details: { blockers: proposal.blockers },
    });
  }
  if (proposal.topUp === null && proposal.refunds.length === 0) {
    throw new AppError('VALIDATION', 'There is nothing to send for this case right now.');
  }
  return proposal;
}

/** Sends the top-up; a failure marks every record NotSent with the reason. */
async function trySendTopUp(
  deps: CorrectionsDeps,
  stored: StoredCase,
  topUp: TopUpEntry,
): Promise<void> {
  try {
    await sendTopUp(deps, stored, topUp);
  } catch (error) {
    topUp.status = 'failed';
    topUp.outcomes = topUp.records.map((r) => ({
      key: r.key,
      status: 'NotSent',
      error: error instanceof Error ? error.message : String(error),
    }));
  }
}

async function sendProposal(
  deps: CorrectionsDeps,
  stored: StoredCase,
  proposal: Proposal,
): Promise<void> {
  const at = new Date(deps.now()).toISOString();
  const topUp = proposal.topUp === null ? null : planTopUp(stored, proposal.topUp, at);
  const refunds = planRefunds(stored, proposal.refunds, at);
  // Written down before anything leaves: the entries and their client tokens.
  stored.entries.push(...(topUp ? [topUp] : []), ...refunds);
  await deps.cases.save(stored);
  if (topUp) {
    await trySendTopUp(deps, stored, topUp);
    await deps.cases.save(stored);
  }
  await fileRefunds(deps, stored, refunds);
  await deps.cases.save(stored);
}

export async function sendCase(
  deps: CorrectionsDeps,
  caseId: string,
  proposalId: string,
  confirmation: BillingConfirmation | undefined,
): Promise<CaseView> {
  const stored = await loadOwnCase(deps, caseId);
  assertNoRefundsInFlight(stored);
  const before = await refreshCase(deps, stored);
  const proposal = reviewedProposal(before, proposalId);
  await deps.guard.check(sendPlan(stored, before), confirmation);
  await sendProposal(deps, stored, proposal);
  deps.onChanged?.(caseId);
  return refreshCase(deps, stored);
}

function resendPlan(stored: StoredCase, pending: RefundEntry[]): CorrectionsBillingPlan {
  return {
    action: `Resend ${String(pending.length)} unanswered refund(s) of case ${stored.caseId}`,
    caseId: stored.caseId,
    connection: stored.connection,
    dimension: stored.dimension,
    topUps: [],
    refunds: pending.map((e) => ({
      invoiceId: e.invoiceId,
      amount: e.amount,
      currencyCode: e.currencyCode,
      units: e.hours.reduce((sum, h) => sum + h.units, 0),
      clientToken: e.clientToken,
    })),
  };
}

export async function resumeCase(
  deps: CorrectionsDeps,
  caseId: string,
  confirmation: BillingConfirmation | undefined,
): Promise<CaseView> {
  const stored = await loadOwnCase(deps, caseId);
  const pending: RefundEntry[] = await unansweredRefunds(deps, stored);
  if (pending.length === 0)
    return refreshCase(deps, stored, ['Nothing to resume: every refund has its answer.']);
  await deps.guard.check(resendPlan(stored, pending), confirmation);
  await fileRefunds(deps, stored, pending);
  await deps.cases.save(stored);
  deps.onChanged?.(caseId);
  return refreshCase(deps, stored);
}
