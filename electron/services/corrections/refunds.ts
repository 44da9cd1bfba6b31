// Refunds are money: each billing adjustment request moves through a few written-down states.
//   planned (in the case file, status "sending", with its clientToken)
//   → intent journaled (fsynced) → sent → answered: PENDING (an id) or REJECTED (AWS refused it)
//   → tracked until COMPLETED or VALIDATION_FAILED.
// The clientToken is the case entry's own id, fixed when the entry is planned, so sending it
// again after a crash or a lost answer can never file a second refund: AWS answers with the
// request it already has.
import type { CaseEntry, RefundProposal } from '../../../shared/channels/corrections';
import { AppError, isAppError, type AppErrorShape } from '../../../shared/errors';
import type { AdjustmentRequest, CorrectionsDeps, JournalScope, StoredCase } from './ports';

export type RefundEntry = Extract<CaseEntry, { kind: 'refund' }>;

/** AWS allows a batch; the app sends at most this many entries per call (UNVERIFIED limit). */
export const REFUNDS_PER_CALL = 10;

/** Errors after which the request certainly was not created (the call was refused as a whole). */
const REFUSED_CODES = new Set([
  'AWS_REJECTED',
  'AWS_ACCESS_DENIED',
  'CREDENTIALS_MISSING',
  'CREDENTIALS_EXPIRED',
  'CREDENTIALS_INVALID',
  'VALIDATION',
]);

const NEXT_STEP_BY_ENTRY_ERROR: Record<string, string> = {
  CONFLICT_EXCEPTION:
    'AWS holds a different request under this client token. Refresh the case; if the refund is not listed, contact AWS Marketplace Seller Operations with the client token.',
  RESOURCE_NOT_FOUND_EXCEPTION:
    'AWS does not know this agreement or invoice. Refresh the case to read the invoices again, then send the refund again.',
  VALIDATION_EXCEPTION:
    'Check the amount and currency against the invoice, refresh the case, and send the refund again.',
};

export const VALIDATION_FAILED_NEXT_STEP =
  'Refresh the case to read the invoice again; the hours are offered for a new refund. If the message names something Meterdesk cannot fix (an agreement or invoice problem), file the refund in the AWS Marketplace Management Portal or ask AWS Marketplace Seller Operations.';

export function scopeOf(stored: StoredCase): JournalScope {
  return {
    connectionId: stored.connection.id,
    account: stored.connection.accountId,
    region: stored.connection.region,
  };
}

export function requestOf(entry: RefundEntry): AdjustmentRequest {
  return {
    agreementId: entry.agreementId,
    originalInvoiceId: entry.invoiceId,
    adjustmentAmount: entry.amount,
    currencyCode: entry.currencyCode,
    adjustmentReasonCode: 'INCORRECT_METERING',
    description: entry.description,
    clientToken: entry.clientToken,
  };
}

/** New refund entries for the proposal's refunds, each with its own stable client token. */
export function planRefunds(
  stored: StoredCase,
  refunds: readonly RefundProposal[],
  at: string,
): RefundEntry[] {
  const existing = stored.entries.filter((e) => e.kind === 'refund').length;
  return refunds.map((refund, i): RefundEntry => {
    const entryId = `${stored.caseId}-r${String(existing + i + 1)}`;
    return {
      kind: 'refund',
      entryId,
      clientToken: entryId,
      agreementId: stored.agreement.agreementId,
      invoiceId: refund.invoice.invoiceId,
      amount: refund.amount,
      currencyCode: refund.invoice.currencyCode,
      description: refund.description,
      hours: refund.hours,
      status: 'sending',
      sentAt: at,
      updatedAt: at,
    };
  });
}

function errorShape(error: unknown): AppErrorShape {
  if (isAppError(error)) return error.toShape();
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function refusedNextStep(error: AppErrorShape): string {
  const details = error.details as { reason?: unknown } | undefined;
  if (details?.reason === 'EXCEEDED_MAXIMUM_ADJUSTMENT_AMOUNT') {
    return 'The invoice’s maximum refundable amount is lower than asked (another refund against it?). Refresh the case: the refund is recomputed with the new cap.';
  }
  return error.hint ?? 'Refresh the case, check the proposal, and send again.';
}

/**
 * Journals, sends and records the answer for `entries` (new, or unanswered ones being resumed).
 * The caller has saved the entries in the case file first.
 */
export async function fileRefunds(
  deps: Pick<CorrectionsDeps, 'agreements' | 'journal' | 'now'>,
  stored: StoredCase,
  entries: readonly RefundEntry[],
): Promise<void> {
  const scope = scopeOf(stored);
  for (let start = 0; start < entries.length; start += REFUNDS_PER_CALL) {
    const batch = entries.slice(start, start + REFUNDS_PER_CALL);
    for (const entry of batch) {
      await deps.journal.intent(scope, {
        caseId: stored.caseId,
        entryId: entry.entryId,
        request: requestOf(entry),
      });
    }
    await sendBatch(deps, stored, batch);
  }
}

async function sendBatch(
  deps: Pick<CorrectionsDeps, 'agreements' | 'journal' | 'now'>,
  stored: StoredCase,
  batch: readonly RefundEntry[],
): Promise<void> {
  const scope = scopeOf(stored);
  const at = new Date(deps.now()).toISOString();
  let answer;
  try {
    answer = await deps.agreements().createAdjustments(batch.map(requestOf));
  } catch (error) {
    const shape = errorShape(error);
    for (const entry of batch) {
      entry.updatedAt = at;
      entry.error = shape;
      if (REFUSED_CODES.has(shape.code)) {
        // Refused as a whole: nothing was created, so the outcome is final and journaled.
        entry.status = 'REJECTED';
        entry.nextStep = refusedNextStep(shape);
        await deps.journal.outcome(scope, {
          caseId: stored.caseId,
          entryId: entry.entryId,
          clientToken: entry.clientToken,
          error: { code: shape.code, message: shape.message },
        });
      } else {
        // The request may or may not have reached AWS: no outcome, so resume sends it again.
        entry.nextStep =
          'The answer was lost. Resume the case: the refund is sent again with the same client token, so AWS cannot file it twice.';
      }
    }
    return;
  }
  for (const entry of batch) {
    const item = answer.items.find((i) => i.clientToken === entry.clientToken);
    const failure = answer.errors.find((e) => e.clientToken === entry.clientToken);
    entry.updatedAt = at;
    if (item) {
      entry.status = 'PENDING';
      entry.billingAdjustmentRequestId = item.billingAdjustmentRequestId;
      delete entry.error;
      delete entry.nextStep;
      await deps.journal.outcome(scope, {
        caseId: stored.caseId,
        entryId: entry.entryId,
        clientToken: entry.clientToken,
        billingAdjustmentRequestId: item.billingAdjustmentRequestId,
      });
    } else if (failure && failure.code !== 'INTERNAL_FAILURE') {
      entry.status = 'REJECTED';
      entry.error = { code: 'AWS_REJECTED', message: `${failure.code}: ${failure.message}` };
      entry.nextStep =
        NEXT_STEP_BY_ENTRY_ERROR[failure.code] ?? 'Refresh the case and send the refund again.';
      await deps.journal.outcome(scope, {
        caseId: stored.caseId,
        entryId: entry.entryId,
        clientToken: entry.clientToken,
        error: { code: failure.code, message: failure.message },
      });
    } else {
      entry.error = {
        code: 'AWS_UNAVAILABLE',
        message: failure?.message ?? 'AWS did not answer for this refund.',
      };
      entry.nextStep =
        'AWS did not file this refund. Resume the case to send it again with the same client token.';
    }
  }
}

/** Asks AWS for the status of every PENDING refund; COMPLETED and VALIDATION_FAILED are final. */
export async function trackRefunds(
  deps: Pick<CorrectionsDeps, 'agreements' | 'now'>,
  stored: StoredCase,
): Promise<string[]> {
  const notes: string[] = [];
  for (const entry of stored.entries) {
    if (entry.kind !== 'refund' || entry.status !== 'PENDING') continue;
    const id = entry.billingAdjustmentRequestId;
    if (id === undefined) continue;
    try {
      const state = await deps.agreements().adjustment(entry.agreementId, id);
      if (state.status === entry.status) continue;
      entry.updatedAt = new Date(deps.now()).toISOString();
      if (state.status === 'COMPLETED') {
        entry.status = 'COMPLETED';
      } else if (state.status === 'VALIDATION_FAILED') {
        entry.status = 'VALIDATION_FAILED';
        entry.statusMessage = state.statusMessage ?? 'AWS gave no reason.';
        entry.nextStep = VALIDATION_FAILED_NEXT_STEP;
      }
    } catch (error) {
      notes.push(
        `The status of refund ${id} could not be read: ${isAppError(error) ? error.message : String(error)}`,
      );
    }
  }
  return notes;
}

/** Refund entries to send again: still "sending" in the case, or journaled without an answer. */
export async function unansweredRefunds(
  deps: Pick<CorrectionsDeps, 'journal'>,
  stored: StoredCase,
): Promise<RefundEntry[]> {
  const journaled = new Set((await deps.journal.unanswered(stored.caseId)).map((i) => i.entryId));
  return stored.entries.filter(
    (e): e is RefundEntry =>
      e.kind === 'refund' &&
      (e.status === 'sending' || journaled.has(e.entryId)) &&
      e.status !== 'REJECTED',
  );
}

export function assertNoRefundsInFlight(stored: StoredCase): void {
  if (stored.entries.some((e) => e.kind === 'refund' && e.status === 'sending')) {
    throw new AppError('CONFLICT', 'A refund of this case was sent but its answer is unknown.', {
      hint: 'Resume the case first: it sends those refunds again with the same client token.',
    });
  }
}
