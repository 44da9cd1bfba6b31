// Wires the customers area's services to its channels, plus the Sandbox tools that mint
// practice registration tokens (Sandbox connection only).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { customersChannels, ProductMatch } from '../../../shared/channels/customers';
import type { ConnectionSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { createCredentialsCheck, createResolveCustomer } from '../../adapters/aws/customers-api';
import {
  createSandboxAdmin,
  type SandboxAdmin,
  type SandboxAdminTarget,
} from '../../adapters/sandbox-admin';
import { createResolutionHistoryFile } from '../../adapters/storage/resolution-history';
import { createCustomersService, type ProductLookup } from '../../services/customers/customers';
import type { AreaWiring, CoreDeps } from './types';

export type CustomersChannel = keyof typeof customersChannels;

/** The sandbox admin client, when the active connection is the Sandbox; refuses otherwise. */
export function sandboxAdminFor(deps: {
  connections: { active: () => ConnectionSummary | null };
  sandbox: SandboxAdminTarget | null;
}): SandboxAdmin {
  const active = deps.connections.active();
  if (active?.isSandbox !== true || deps.sandbox === null) {
    throw new AppError('FORBIDDEN', 'Sandbox tools work only on the Sandbox connection.', {
      hint: 'Switch to the Sandbox connection to practise; real AWS tokens come from buyers.',
    });
  }
  return createSandboxAdmin(deps.sandbox);
}

export function wireCustomers(deps: CoreDeps): AreaWiring<CustomersChannel> {
  const sandboxProducts: ProductLookup = async (connection, productCode) => {
    if (!connection.isSandbox || deps.sandbox === null) {
      // The product catalog (metering area) is not readable from here yet.
      return {
        status: 'no-catalog',
        note: 'No product catalog to match against on this connection yet.',
      } satisfies ProductMatch;
    }
    const world = await createSandboxAdmin(deps.sandbox).world();
    const product = world.products.find((p) => p.productCode === productCode);
    return product
      ? {
          status: 'matched',
          source: 'sandbox',
          name: product.name,
          kind: product.kind,
          note: `Matched against the Sandbox’s products: ${product.name}.`,
        }
      : {
          status: 'not-found',
          source: 'sandbox',
          note: `The Sandbox publishes no product ${productCode}.`,
        };
  };

  const service = createCustomersService({
    connections: deps.connections,
    resolveCustomer: createResolveCustomer(deps.aws),
    checkCredentials: createCredentialsCheck(deps.aws),
    history: createResolutionHistoryFile(join(deps.dataDir, 'customers', 'resolutions.jsonl')),
    products: sandboxProducts,
    pacer: deps.pacer,
    emitProgress: (progress) => deps.bus.emit('task:progress', progress),
    now: deps.now,
    newId: randomUUID,
  });

  return {
    handlers: {
      'customers:resolve': (input) => service.resolve(input.pasted),
      'customers:history': (input) => service.history(input.limit),
      'customers:history-clear': (input) => service.clearHistory(input.confirm),
      'customers:bulk-start': (input) => service.bulkStart(input.text),
      'customers:bulk-status': (input) => service.bulkStatus(input.taskId, input.from),
      'customers:bulk-cancel': (input) => service.bulkCancel(input.taskId),
      'sandbox:world': async () => {
        const world = await sandboxAdminFor(deps).world();
        return {
          products: world.products.map((p) => ({
            productCode: p.productCode,
            name: p.name,
            kind: p.kind,
            identityModel: p.identityModel,
            dimensions: p.dimensions.map((d) => d.name),
          })),
          customers: world.customers.map((c) => ({
            awsAccountId: c.awsAccountId,
            name: c.name,
            subscribed: world.subscriptions
              .filter((s) => s.customerAwsAccountId === c.awsAccountId && s.status === 'active')
              .map((s) => s.productCode),
          })),
        };
      },
      'sandbox:mint-token': async (input) => {
        const minted = await sandboxAdminFor(deps).mintToken({
          productCode: input.productCode,
          customerAwsAccountId: input.customerAwsAccountId,
          // Zero seconds: already expired when it arrives, for practising the expired case.
          ...(input.expired === true ? { expiresInSeconds: 0 } : {}),
        });
        return {
          token: minted.token,
          formBody: `x-amzn-marketplace-token=${encodeURIComponent(minted.token)}`,
          expiresAt: new Date(minted.expiresAt).toISOString(),
        };
      },
    },
    close: () => service.close(),
  };
}
