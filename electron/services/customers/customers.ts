// Customer registration tokens: extract (authoritatively, here in main), resolve with the active
// connection (ResolveCustomer, paced), explain failures, keep a history, and resolve lists in
// bulk. The token itself is never stored, logged or returned: only a short hash of it, enough to
// recognise a repeat.
import { AppError } from '../../../shared/errors';
import { createBulkRuns } from './bulk';
import type { CustomersDeps, CustomersService } from './ports';
import { createResolveCall } from './resolve-call';
import { resolveToken } from './resolve-token';

export { explainResolveFailure, type CredentialsCheck } from './explain-failure';
export { BULK_TASK_KIND } from './bulk-task';
export { tokenHash } from './history-entry';
export type {
  CredentialsCheckPort,
  CustomersDeps,
  CustomersService,
  ProductLookup,
  ResolutionHistoryStore,
  ResolveCustomerPort,
} from './ports';

/** What the user types to confirm clearing the history (the channel's input checks it too). */
export const HISTORY_CLEAR_CONFIRMATION = 'CLEAR';

export function createCustomersService(deps: CustomersDeps): CustomersService {
  const callAws = createResolveCall(deps);
  return {
    resolve: (pasted) => resolveToken(deps, callAws, pasted),
    history(limit = 500) {
      const all = deps.history.list();
      return { entries: all.slice(-limit).reverse(), total: all.length };
    },
    clearHistory(confirm) {
      if (confirm !== HISTORY_CLEAR_CONFIRMATION) {
        throw new AppError('VALIDATION', 'Clearing the history needs the typed confirmation.', {
          hint: `Type ${HISTORY_CLEAR_CONFIRMATION} to confirm.`,
        });
      }
      return { removed: deps.history.clear() };
    },
    ...createBulkRuns(deps, callAws),
  };
}
