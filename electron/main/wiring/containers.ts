// Wires the containers area's services to its channels.
import type { containersChannels } from '../../../shared/channels/containers';
import { createContainersApi } from '../../adapters/aws/containers-api';
import { verifyPs256 } from '../../adapters/crypto/jwt-verify';
import { createContainersService } from '../../services/containers/containers';
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
  return {
    handlers: {
      'containers:register-usage': (input) => service.registerUsage(input),
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
