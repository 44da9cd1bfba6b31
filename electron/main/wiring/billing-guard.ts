// The billing guard as every area's wiring uses it: who a call would bill (the connection, its
// account asked from STS when not yet known, region and endpoint, as they are now) and the check
// itself (services/billing/guard.ts). Every billing channel calls `guard.require` before sending.
//
//   const guard = createBillingGuard(deps);
//   const target = await guard.target();                       // the active connection
//   guard.require({ kind, action, target, records, calls, totals, content }, input.confirmation);
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { BillingConfirmation, BillingTarget } from '../../../shared/billing-confirmation';
import type { ConnectionSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { mapAwsError } from '../../adapters/aws/error-map';
import {
  billingPreview,
  requireBillingConfirmation,
  type BillingPlan,
} from '../../services/billing/guard';
import type { CoreDeps } from './types';

export type BillingGuard = {
  /** The connection (default: the active one) and region a billing call would go out on. */
  target: (connectionId?: string, region?: string) => Promise<BillingTarget>;
  preview: typeof billingPreview;
  /** Throws CONFIRMATION_REQUIRED unless the plan may be sent (Sandbox, or confirmed as is). */
  require: (plan: BillingPlan, confirmation: BillingConfirmation | undefined) => void;
};

type GuardDeps = Pick<CoreDeps, 'connections' | 'aws'>;

/** The account a connection reaches, asked from STS once and remembered with the connection. */
async function accountOf(deps: GuardDeps, connection: ConnectionSummary, region: string) {
  // The Sandbox bills nothing: its account is whatever it says, never worth a call.
  if (connection.accountId !== undefined || connection.isSandbox) return connection.accountId;
  const target = deps.connections.target(connection.id, region);
  const sts = deps.aws.sts(target, { maxAttempts: 1 });
  try {
    const who = await sts.send(new GetCallerIdentityCommand({}));
    if (who.Account === undefined || who.Arn === undefined) return undefined;
    deps.connections.recordIdentity(connection.id, { accountId: who.Account, arn: who.Arn });
    return who.Account;
  } catch (error) {
    throw mapAwsError(error, {
      operation: 'GetCallerIdentity',
      region,
      ...(target.profile === undefined ? {} : { profile: target.profile }),
    });
  } finally {
    sts.destroy();
  }
}

export function createBillingGuard(deps: GuardDeps): BillingGuard {
  return {
    async target(connectionId, region) {
      const connection =
        connectionId === undefined ? deps.connections.active() : deps.connections.get(connectionId);
      if (!connection) {
        throw new AppError('CREDENTIALS_MISSING', 'No connection is active.', {
          hint: 'Choose a connection in the top bar.',
        });
      }
      const where = region ?? connection.region;
      const accountId = await accountOf(deps, connection, where);
      return {
        connectionId: connection.id,
        connectionName: connection.name,
        isSandbox: connection.isSandbox,
        ...(accountId === undefined ? {} : { accountId }),
        region: where,
        ...(connection.endpoint === undefined ? {} : { endpoint: connection.endpoint }),
      };
    },
    preview: billingPreview,
    require(plan, confirmation) {
      requireBillingConfirmation(plan, confirmation);
    },
  };
}
