// Wires the connections area's services to its channels.
import type { connectionsChannels } from '../../../shared/channels/connections';
import { AppError } from '../../../shared/errors';
import { runSelfTest } from '../../adapters/aws/self-test';
import type { ProfileSource } from '../../adapters/aws/profiles';
import type { AreaWiring, CoreDeps } from './types';

export type ConnectionsChannel = keyof typeof connectionsChannels;

export function wireConnections(
  deps: CoreDeps,
  extra: { profiles?: Pick<ProfileSource, 'list' | 'close'> } = {},
): AreaWiring<ConnectionsChannel> {
  const { connections } = deps;
  return {
    handlers: {
      'connections:list': () => connections.details(),
      'connections:profiles': () => {
        if (!extra.profiles) throw new AppError('INTERNAL', 'AWS profiles are not available here.');
        return extra.profiles.list();
      },
      'connections:add': (input) => {
        const added = connections.add(input);
        // Only what identifies the connection; never key material.
        deps.logger.info('connection added', { id: added.id, kind: added.kind });
        return added;
      },
      'connections:update': (input) => connections.update(input),
      'connections:remove': ({ id }) => {
        const removed = connections.remove(id);
        if (removed) deps.logger.info('connection removed', { id });
        return { removed };
      },
      'connections:activate': ({ id, region }) => connections.activate(id, region),
      'connections:test': async ({ id, regions }) => {
        const connection = connections.get(id);
        const wanted = regions && regions.length > 0 ? regions : connection.regions;
        const result = await runSelfTest({
          aws: deps.aws,
          connectionId: id,
          regions: wanted,
          targetFor: (region) => connections.target(id, region),
          now: deps.now,
        });
        if (result.identity) {
          connections.recordIdentity(id, {
            accountId: result.identity.account,
            arn: result.identity.arn,
          });
        }
        return result;
      },
      'connections:mfaAnswer': (answer) => ({ accepted: connections.answerMfa(answer) }),
    },
    close: () => {
      connections.close();
      extra.profiles?.close();
      return Promise.resolve();
    },
  };
}
