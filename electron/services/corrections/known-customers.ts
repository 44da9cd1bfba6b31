// The customers the app knows, gathered from what it has seen: the sandbox's world (names,
// accounts, per-product identifiers), ResolveCustomer results (identifier ↔ account) and journal
// records. One entry per identity; resolveCustomer picks among them.
import type { JournalRow } from '../../../shared/channels/journal';
import type { KnownCustomer } from './ports';

export type SandboxCustomers = {
  customers: { awsAccountId: string; name: string }[];
  subscriptions: {
    productCode: string;
    customerAwsAccountId: string;
    customerIdentifier?: string;
  }[];
};

export type ResolvedIdentity = {
  customerIdentifier?: string | undefined;
  customerAwsAccountId?: string | undefined;
  productCode?: string | undefined;
};

export function knownCustomers(sources: {
  sandbox: SandboxCustomers | null;
  resolved: readonly ResolvedIdentity[];
  journalRows: readonly JournalRow[];
}): KnownCustomer[] {
  const known: KnownCustomer[] = [];
  const seen = new Set<string>();
  const add = (customer: KnownCustomer): void => {
    const key = JSON.stringify([customer.awsAccountId, customer.customerIdentifier, customer.name]);
    if (seen.has(key)) return;
    seen.add(key);
    known.push(customer);
  };
  for (const c of sources.sandbox?.customers ?? []) {
    add({ awsAccountId: c.awsAccountId, name: c.name });
  }
  for (const s of sources.sandbox?.subscriptions ?? []) {
    if (s.customerIdentifier === undefined) continue;
    add({
      awsAccountId: s.customerAwsAccountId,
      customerIdentifier: s.customerIdentifier,
      productCodes: [s.productCode],
    });
  }
  for (const r of sources.resolved) {
    if (r.customerIdentifier === undefined && r.customerAwsAccountId === undefined) continue;
    add({
      ...(r.customerAwsAccountId === undefined ? {} : { awsAccountId: r.customerAwsAccountId }),
      ...(r.customerIdentifier === undefined ? {} : { customerIdentifier: r.customerIdentifier }),
      ...(r.productCode === undefined ? {} : { productCodes: [r.productCode] }),
    });
  }
  for (const row of sources.journalRows) {
    if (row.operation !== 'BatchMeterUsage' || row.customer === '') continue;
    add(
      /^\d{12}$/.test(row.customer)
        ? { awsAccountId: row.customer }
        : {
            customerIdentifier: row.customer,
            ...(row.productCode === undefined ? {} : { productCodes: [row.productCode] }),
          },
    );
  }
  return known;
}
