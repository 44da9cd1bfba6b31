// The built-in sandbox's world as the app sees it, read through the real bridge, and the usage
// hours a test may meter (taken from the core's pinned clock).
import type { SandboxWorld } from '../../../shared/channels/customers';
import { callChannel } from '../api/bridge';

export async function sandboxWorld(): Promise<SandboxWorld> {
  const result = await callChannel('sandbox:world', {});
  if (!result.ok) throw new Error(`sandbox:world: ${result.error.message}`);
  return result.value;
}

/** Customers subscribed to the product named `productName`, with its product code. */
export async function subscribersOf(
  productName: string,
): Promise<{ productCode: string; accounts: string[] }> {
  const world = await sandboxWorld();
  const product = world.products.find((p) => p.name === productName);
  if (!product) throw new Error(`No sandbox product "${productName}".`);
  const accounts = world.customers
    .filter((c) => c.subscribed.includes(product.productCode))
    .map((c) => c.awsAccountId);
  return { productCode: product.productCode, accounts };
}

/** The UTC hour `hoursAgo` hours before `now`, as ISO ("2026-07-20T13:00:00Z"). */
export function utcHour(hoursAgo: number, now: number): string {
  const ms = Math.floor(now / 3_600_000) * 3_600_000 - hoursAgo * 3_600_000;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
