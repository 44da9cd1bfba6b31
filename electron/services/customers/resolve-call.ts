// One ResolveCustomer call as the active connection, paced, with its failure explained (an
// expired token told from expired credentials by one more call on the same credentials).
import type { ResolveFailure, ResolvedCustomer } from '../../../shared/channels/customers';
import type { ConnectionSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { AwsTarget } from '../connections';
import {
  explainResolveFailure,
  needsCredentialsCheck,
  type CredentialsCheck,
} from './explain-failure';
import type { CustomersDeps } from './ports';

/** A credentials check is reused this long for the same connection (bulk runs ask often). */
const CHECK_REUSE_MS = 30_000;

/** What the call answered, and the region it went to (the active region, not just the default). */
export type Outcome = ({ customer: ResolvedCustomer } | { failure: ResolveFailure }) & {
  region: string;
};

export type ResolveCall = ReturnType<typeof createResolveCall>;

export function activeConnection(deps: CustomersDeps): ConnectionSummary {
  const connection = deps.connections.active();
  if (!connection) {
    throw new AppError('NOT_FOUND', 'There is no active connection.', {
      hint: 'Add or choose a connection in Connections first.',
    });
  }
  return connection;
}

export function createResolveCall(deps: CustomersDeps) {
  const checks = new Map<string, { at: number; check: Promise<CredentialsCheck> }>();

  /** Tries the same credentials on another call, once per connection and half minute. */
  function checkCredentials(
    connection: ConnectionSummary,
    target: AwsTarget,
  ): Promise<CredentialsCheck> | undefined {
    if (!deps.checkCredentials) return undefined;
    const recent = checks.get(connection.id);
    if (recent && deps.now() - recent.at < CHECK_REUSE_MS) return recent.check;
    const check = deps.checkCredentials(target);
    checks.set(connection.id, { at: deps.now(), check });
    return check;
  }

  return async function callAws(
    connection: ConnectionSummary,
    token: string,
    signal?: AbortSignal,
  ): Promise<Outcome> {
    let target: AwsTarget;
    try {
      target = deps.connections.target(connection.id);
    } catch (error) {
      return { failure: explainResolveFailure(error, token), region: connection.region };
    }
    // A cancel while waiting for a turn rejects here: nothing was sent, the caller says so.
    await deps.pacer.acquire(
      {
        accountId: connection.accountId ?? connection.id,
        region: target.region,
        api: 'ResolveCustomer',
      },
      signal,
    );
    try {
      return { customer: await deps.resolveCustomer(target, token), region: target.region };
    } catch (error) {
      const check = needsCredentialsCheck(error)
        ? await checkCredentials(connection, target)
        : undefined;
      return { failure: explainResolveFailure(error, token, check), region: target.region };
    }
  };
}
