// The explorer's and the charts' customer: a name or either id, meaning every id the customer
// directory links to it (a CustomerIdentifier and an AWS account id of the same buyer).
import type { AuditFilter } from '../../../../shared/audit';
import {
  customerLabel,
  findCustomer,
  type CustomerDirectory,
  type DirectoryCustomer,
} from '../../../../shared/channels/customer-directory';

export type CustomerIds = NonNullable<AuditFilter['customers']>;

const ACCOUNT_ID = /^\d{12}$/;

/**
 * The ids `text` stands for: the linked ids of the customer it names, or the id itself when the
 * directory does not know it; null for an empty box.
 */
export function customerIdsFor(
  directory: CustomerDirectory | undefined,
  text: string,
): CustomerIds | null {
  const query = text.trim();
  if (query === '') return null;
  const found = directory ? findCustomer(directory, query) : undefined;
  if (found) return { accountIds: found.accountIds, identifiers: found.identifiers };
  return ACCOUNT_ID.test(query)
    ? { accountIds: [query], identifiers: [] }
    : { accountIds: [], identifiers: [query] };
}

export function withCustomer(filter: AuditFilter, ids: CustomerIds | null): AuditFilter {
  return ids ? { ...filter, customers: ids } : filter;
}

/** The directory's entry for a record's ids, if any. */
export function customerOf(
  directory: CustomerDirectory | undefined,
  ids: { customerAwsAccountId?: string | undefined; customerIdentifier?: string | undefined },
): DirectoryCustomer | undefined {
  if (!directory) return undefined;
  return directory.customers.find(
    (c) =>
      (ids.customerAwsAccountId !== undefined && c.accountIds.includes(ids.customerAwsAccountId)) ||
      (ids.customerIdentifier !== undefined && c.identifiers.includes(ids.customerIdentifier)),
  );
}

export type CustomerOption = { value: string; label: string; ids: CustomerIds };

/**
 * Picker entries for the customer ids seen in the data, one per customer (ids the directory
 * links share one entry), named where a name is known, in the order given.
 */
export function customerOptions(
  seen: readonly string[],
  directory: CustomerDirectory | undefined,
): CustomerOption[] {
  const options: CustomerOption[] = [];
  const taken = new Set<DirectoryCustomer>();
  for (const id of seen) {
    const linked = directory ? findCustomer(directory, id) : undefined;
    if (linked && taken.has(linked)) continue;
    if (linked) {
      taken.add(linked);
      const ids = [...linked.accountIds, ...linked.identifiers];
      options.push({
        value: id,
        label: linked.name === undefined ? ids.join(' · ') : `${linked.name} (${ids.join(', ')})`,
        ids: { accountIds: linked.accountIds, identifiers: linked.identifiers },
      });
    } else {
      options.push({
        value: id,
        label: id,
        ids: ACCOUNT_ID.test(id)
          ? { accountIds: [id], identifiers: [] }
          : { accountIds: [], identifiers: [id] },
      });
    }
  }
  return options;
}

export { customerLabel };
