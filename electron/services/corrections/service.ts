// The corrections service: open a case, read it hour by hour, take what should have been billed,
// propose the fix, send it behind the billing guard (journaled first, idempotent client tokens),
// track it to COMPLETED or VALIDATION_FAILED, and export the proof. Pure over its ports; every
// operation on a case runs after the one before it on the same case.
import type { BillingConfirmation } from '../../../shared/billing-confirmation';
import type { CaseRequest, UsageLine } from '../../../shared/channels/corrections';
import { createCaseQueue, loadCase, loadOwnCase, refreshCase } from './case-access';
import { listCases } from './case-list';
import { setCorrectUsage } from './correct-usage';
import { searchCustomers } from './customer-search';
import { exportCaseRecord } from './export-record';
import { openCase } from './open-case';
import type { CorrectionsDeps } from './ports';
import { resumeCase, sendCase } from './send';
import { parseUsageText } from './usage-input';

export type CorrectionsService = ReturnType<typeof createCorrectionsService>;

export function createCorrectionsService(deps: CorrectionsDeps) {
  const serial = createCaseQueue();
  const get = (caseId: string) =>
    serial(caseId, async () => refreshCase(deps, await loadOwnCase(deps, caseId)));
  return {
    open: (request: CaseRequest) => openCase(deps, request),
    get,
    setUsage: (caseId: string, lines: readonly UsageLine[]) =>
      serial(caseId, () => setCorrectUsage(deps, caseId, lines)),
    parseUsage: async (caseId: string, text: string) =>
      parseUsageText(text, await loadCase(deps, caseId)),
    send: (caseId: string, proposalId: string, confirmation: BillingConfirmation | undefined) =>
      serial(caseId, () => sendCase(deps, caseId, proposalId, confirmation)),
    resume: (caseId: string, confirmation: BillingConfirmation | undefined) =>
      serial(caseId, () => resumeCase(deps, caseId, confirmation)),
    exportRecord: async (caseId: string) => exportCaseRecord(deps, await get(caseId)),
    list: () => listCases(deps, serial),
    customers: (query: string | undefined) => searchCustomers(deps, query),
  };
}
