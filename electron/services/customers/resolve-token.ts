// Resolving one pasted registration token: extracted here in main, resolved as the active
// connection, kept in the history (by hash), with its earlier resolutions and its product.
import type {
  ProductMatch,
  ResolutionEntry,
  ResolveResult,
} from '../../../shared/channels/customers';
import type { ConnectionSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { extractRegistrationToken } from '../../../shared/tokens';
import { extractionSummary, historyEntry, tokenHash } from './history-entry';
import type { CustomersDeps } from './ports';
import { activeConnection, type ResolveCall } from './resolve-call';

/** Earlier resolutions of the same token, newest first. */
function earlier(deps: CustomersDeps, hash: string): ResolutionEntry[] {
  return deps.history
    .list()
    .filter((entry) => entry.tokenHash === hash)
    .reverse();
}

function productOf(
  deps: CustomersDeps,
  connection: ConnectionSummary,
  productCode: string | undefined,
): Promise<ProductMatch> {
  if (productCode === undefined || productCode === '') {
    return Promise.resolve({
      status: 'no-product-code',
      note: 'AWS did not return a product code for this token.',
    });
  }
  return deps.products(connection, productCode).catch((): ProductMatch => ({
    status: 'no-catalog',
    note: 'The product catalog could not be read.',
  }));
}

export async function resolveToken(
  deps: CustomersDeps,
  callAws: ResolveCall,
  pasted: string,
): Promise<ResolveResult> {
  const extraction = extractRegistrationToken(pasted);
  if (!extraction.ok) {
    throw new AppError('VALIDATION', extraction.reason, {
      hint: 'Paste the token, the form body the buyer’s browser posted, a URL, a curl command or a HAR entry.',
    });
  }
  const connection = activeConnection(deps);
  const hash = tokenHash(extraction.token);
  const previous = earlier(deps, hash);
  const at = deps.now();
  const outcome = await callAws(connection, extraction.token);
  const entry = historyEntry(deps.newId(), connection, extraction, hash, outcome, at);
  deps.history.append(entry);
  const result: ResolveResult = {
    entry,
    extraction: extractionSummary(extraction, hash),
    previous,
  };
  if ('failure' in outcome) return { ...result, failure: outcome.failure };
  const product = await productOf(deps, connection, outcome.customer.productCode);
  return { ...result, customer: outcome.customer, product };
}
