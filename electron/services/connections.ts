// Connections the app can act on: the built-in Sandbox (always there, the default), named AWS
// profiles and pasted keys, each with a default region, the regions to work across, an optional
// role assumed on top and an optional custom endpoint. Non-secret parts persist in the key-value
// store; pasted secrets live only in the SecretStore (OS-encrypted) or, where that refuses, in
// memory for this run. The active connection and region are remembered in settings.
//
// target() is how every area calls AWS: it hands back credentials as a provider that resolves
// lazily (profiles, SSO, assume-role, MFA), caches until near expiry, and refuses with
// CREDENTIALS_EXPIRED before a request is signed once a known expiration has passed.
import type { ConnectionsContext } from './connections/context';
import { createConnectionEditing } from './connections/editing';
import { createConnectionRecords } from './connections/records';
import { createTargets } from './connections/target';
import type { ConnectionsDeps, ConnectionsService } from './connections/types';
import { createConnectionViews } from './connections/views';

export {
  sandboxConnectionId,
  type AwsCredentials,
  type AwsTarget,
  type ConnectionsDeps,
  type ConnectionsService,
  type CredentialSources,
  type CredentialsProvider,
  type ProfilesPort,
  type SandboxEndpoint,
  type StsClientOptions,
} from './connections/types';

export function createConnectionsService(deps: ConnectionsDeps): ConnectionsService {
  const context: ConnectionsContext = {
    deps,
    records: createConnectionRecords(deps.store),
    providers: new Map(),
    expirations: new Map(),
  };
  const views = createConnectionViews(context);
  const editing = createConnectionEditing(context, views);
  return {
    list: views.list,
    active: views.active,
    get: views.get,
    target: createTargets(context, views),
    activeRegion: () => views.activeRegionOf(views.activeBase()),
    details: views.details,
    info: views.info,
    ...editing,
    answerMfa: (answer) => deps.mfa.answer(answer),
    close: () => deps.mfa.cancelAll(),
  };
}
