// Credential providers for connections, all from @aws-sdk/credential-providers: a named profile
// (fromIni: static keys, SSO, assume-role chains with MFA, credential_process, login_session) and a
// role assumed on top of any credentials (fromTemporaryCredentials). Failures come out as AppErrors
// through the one error mapper, so an expired SSO session reads "run aws sso login --profile NAME".
import { fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type {
  AwsCredentials,
  CredentialSources,
  StsClientOptions,
} from '../../services/connections';
import { mapAwsError } from './error-map';

function plain(credentials: AwsCredentials): AwsCredentials {
  // Only the fields we use; the SDK's extra markers (credential features) stay behind.
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    ...(credentials.expiration === undefined ? {} : { expiration: credentials.expiration }),
  };
}

function clientConfig(sts: StsClientOptions) {
  return {
    region: sts.region,
    maxAttempts: 2,
    ...(sts.endpoint === undefined ? {} : { endpoint: sts.endpoint }),
  };
}

export function createCredentialSources(): CredentialSources {
  return {
    profile({ profile, viaRole, sts, mfaCodeProvider, ignoreCache }) {
      const provider = fromIni({
        profile,
        mfaCodeProvider,
        ignoreCache,
        clientConfig: clientConfig(sts),
      });
      return async () => {
        try {
          return plain(await provider());
        } catch (error: unknown) {
          throw mapAwsError(error, {
            operation: viaRole ? 'AssumeRole' : 'ResolveCredentials',
            region: sts.region,
            profile,
          });
        }
      };
    },
    assumeRole({ master, role, sts, profile }) {
      const provider = fromTemporaryCredentials({
        masterCredentials: master,
        params: {
          RoleArn: role.roleArn,
          RoleSessionName: role.sessionName ?? `meterdesk-${Date.now()}`,
          ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
          ...(role.durationSeconds === undefined ? {} : { DurationSeconds: role.durationSeconds }),
        },
        clientConfig: clientConfig(sts),
      });
      return async () => {
        try {
          return plain(await provider());
        } catch (error: unknown) {
          throw mapAwsError(error, {
            operation: 'AssumeRole',
            region: sts.region,
            ...(profile === undefined ? {} : { profile }),
          });
        }
      };
    },
  };
}
