// Wires the containers area's services to its channels.
import type { containersChannels } from '../../../shared/channels/containers';
import { createContainersApi } from '../../adapters/aws/containers-api';
import { verifyPs256 } from '../../adapters/crypto/jwt-verify';
import { createContainersService } from '../../services/containers/containers';
import { createBillingGuard } from './billing-guard';
import { sandboxAdminFor } from './customers';
import type { AreaWiring, CoreDeps } from './types';

export type ContainersChannel = keyof typeof containersChannels;

export function wireContainers(deps: CoreDeps): AreaWiring<ContainersChannel> {
  const service = createContainersService({
    connections: deps.connections,
    api: createContainersApi(deps.aws),
    verify: (token, pem) => verifyPs256(token, pem),
    pacer: deps.pacer,
    now: deps.now,
  });
  const guard = createBillingGuard(deps);
  return {
    handlers: {
      'containers:caller': () => service.caller(),
      'containers:register-usage': async ({ confirmation, ...request }) => {
        guard.require(
          {
            kind: 'register-usage',
            action: `RegisterUsage for product ${request.productCode}`,
            target: await guard.target(),
            records: 1,
            calls: 1,
            totals: [],
            content: request,
          },
          confirmation,
        );
        return service.registerUsage(request);
      },
      'containers:verify-signature': (input) => service.verifySignature(input),
      'sandbox:public-key': async (input) => {
        const key = await sandboxAdminFor(deps).publicKey(input.version);
        return {
          version: key.version,
          current: key.current,
          pem: key.pem,
          ...(key.rotatedAt === undefined
            ? {}
            : { rotatedAt: new Date(key.rotatedAt).toISOString() }),
        };
      },
    },
  };
}
