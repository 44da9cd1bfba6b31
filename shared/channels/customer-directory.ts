// The customer directory: each buyer once, with every AWS account id and CustomerIdentifier the
// app has seen linked to it, and a name where one is known (electron/services/customers/
// directory.ts builds it). Lookups here are shared by main and the renderer.
import { z } from 'zod';
import type { ChannelTable } from './table';

export const directorySourceSchema = z.enum(['resolve', 'sandbox', 'journal', 'cloudtrail']);

export const directoryCustomerSchema = z.object({
  name: z.string().optional(),
  accountIds: z.array(z.string()),
  identifiers: z.array(z.string()),
  /**
   * Where the links come from: ResolveCustomer answers, the Sandbox's world, the journal (records
   * or AWS's answers carrying both ids), the CloudTrail cache (records or answer echoes).
   */
  sources: z.array(directorySourceSchema),
});
export type DirectoryCustomer = z.infer<typeof directoryCustomerSchema>;

export const customerDirectorySchema = z.object({ customers: z.array(directoryCustomerSchema) });
export type CustomerDirectory = z.infer<typeof customerDirectorySchema>;

export const customerDirectoryChannels = {
  /** Every buyer the active connection's account has seen, ids linked, names where known. */
  'customers:directory': { input: z.object({}).strict(), output: customerDirectorySchema },
} as const satisfies ChannelTable;

/** The customer an id belongs to (account id or identifier), or the one name matching `text`. */
export function findCustomer(
  directory: CustomerDirectory,
  text: string,
): DirectoryCustomer | undefined {
  const query = text.trim();
  if (query === '') return undefined;
  const exact = directory.customers.find(
    (c) => c.accountIds.includes(query) || c.identifiers.includes(query),
  );
  if (exact) return exact;
  const lower = query.toLowerCase();
  const named = directory.customers.filter((c) => c.name?.toLowerCase().includes(lower) === true);
  return named.length === 1 ? named[0] : undefined;
}

/** "Cedar Ridge Health Ltd", or the first id when no name is known. */
export function customerLabel(customer: DirectoryCustomer): string {
  return customer.name ?? customer.accountIds[0] ?? customer.identifiers[0] ?? 'Unknown customer';
}
