// The buyers a case can be opened for: known customers with an AWS account id, one per account
// (what is known of it merged), filtered by a search text, at most 500.
import type { CorrectionsDeps, KnownCustomer } from './ports';

export async function searchCustomers(deps: CorrectionsDeps, query: string | undefined) {
  const known = await deps.customers.known();
  const byAccount = new Map<string, KnownCustomer>();
  for (const k of known) {
    if (k.awsAccountId === undefined) continue;
    const merged = { ...byAccount.get(k.awsAccountId), ...k };
    byAccount.set(k.awsAccountId, merged);
  }
  const q = (query ?? '').trim().toLowerCase();
  return [...byAccount.values()]
    .filter(
      (k) =>
        q === '' ||
        [k.awsAccountId, k.customerIdentifier, k.name].some((v) => v?.toLowerCase().includes(q)),
    )
    .slice(0, 500)
    .map((k) => ({
      awsAccountId: k.awsAccountId ?? '',
      ...(k.customerIdentifier === undefined ? {} : { customerIdentifier: k.customerIdentifier }),
      ...(k.name === undefined ? {} : { name: k.name }),
    }));
}
