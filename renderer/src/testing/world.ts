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

export type SandboxTarget = { productCode: string; dimension: string; account: string };

/** A legacy SaaS product, one of its dimensions and a subscribed customer (the `nth` one). */
export async function legacySaasTarget(nth = 0): Promise<SandboxTarget> {
  const world = await sandboxWorld();
  const product = world.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const dimension = product?.dimensions[0];
  const subscribed = world.customers.filter(
    (c) => product !== undefined && c.subscribed.includes(product.productCode),
  );
  const account = subscribed[nth % Math.max(1, subscribed.length)]?.awsAccountId;
  if (!product || dimension === undefined || account === undefined) {
    throw new Error('the sandbox world has no legacy SaaS subscription');
  }
  return { productCode: product.productCode, dimension, account };
}

/** Meters one record through metering:submit and waits until the submission has finished. */
export async function meterOne(
  target: SandboxTarget,
  quantity: number,
  timestamp: string,
): Promise<string> {
  const submitted = await callChannel('metering:submit', {
    operation: 'BatchMeterUsage',
    records: [
      {
        productId: `sandbox:${target.productCode}`,
        operation: 'BatchMeterUsage',
        productCode: target.productCode,
        customerAwsAccountId: target.account,
        dimension: target.dimension,
        quantity,
        timestamp,
      },
    ],
  });
  if (!submitted.ok) throw new Error(`metering:submit: ${submitted.error.message}`);
  const { submissionId } = submitted.value;
  for (let tries = 0; tries < 200; tries += 1) {
    const status = await callChannel('metering:submission-status', { submissionId });
    if (status.ok && status.value.state === 'finished') return submissionId;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`submission ${submissionId} did not finish`);
}
