// The shapes the connections service speaks in: credentials and targets as the AWS SDK takes
// them, the ports it is built on, and the service itself.
import type {
  AddConnectionInput,
  ConnectionInfo,
  ConnectionList,
  ProfileList,
  RoleInput,
  UpdateConnectionInput,
} from '../../../shared/channels/connections';
import type { ConnectionSummary } from '../../../shared/contract';
import type { MfaPrompts } from '../mfa-prompts';
import type { KeyValueStore, SecretStore } from '../ports';
import type { SettingsService } from '../settings';

export const sandboxConnectionId = 'sandbox';

/** Credentials as the AWS SDK takes them; they never leave the main process. */
export type AwsCredentials = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
};
export type CredentialsProvider = () => Promise<AwsCredentials>;

/** Everything needed to call AWS as one connection in one region. Main process only. */
export type AwsTarget = {
  connectionId: string;
  region: string;
  endpoint?: string;
  credentials: AwsCredentials | CredentialsProvider;
  /** The AWS profile behind the connection: pass it to mapAwsError for the right login hint. */
  profile?: string;
  /** True for the built-in sandbox: nothing it does can bill. */
  isSandbox?: boolean;
};

export type SandboxEndpoint = {
  endpoint: string;
  region: string;
  /** Every region the sandbox serves (its home region first); default just `region`. */
  regions?: readonly string[];
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
};

/** Where the SDK's STS (and SSO) clients go while resolving credentials. */
export type StsClientOptions = { region: string; endpoint?: string };

/** Credential providers by kind; the adapter builds them from @aws-sdk/credential-providers. */
export type CredentialSources = {
  profile: (options: {
    profile: string;
    /** The profile assumes a role (errors then name AssumeRole). */
    viaRole: boolean;
    sts: StsClientOptions;
    mfaCodeProvider: (mfaSerial: string) => Promise<string>;
    /** The files changed since the last provider was made: read them again. */
    ignoreCache: boolean;
  }) => CredentialsProvider;
  assumeRole: (options: {
    master: CredentialsProvider;
    role: RoleInput;
    sts: StsClientOptions;
    profile?: string;
  }) => CredentialsProvider;
};

/** The profile files, as the service needs them. */
export type ProfilesPort = { list: () => ProfileList; version: () => number };

export type ConnectionsService = {
  list: () => ConnectionSummary[];
  active: () => ConnectionSummary | null;
  get: (id: string) => ConnectionSummary;
  /**
   * How to call AWS as this connection. `region` defaults to the active region when `id` is the
   * active connection (what the top bar shows), else to the connection's default region.
   */
  target: (id: string, region?: string) => AwsTarget;
  /** The region every screen acts on: the active region, or the connection's default. */
  activeRegion: () => string;
  /** Everything the Connections screen shows; never a secret. */
  details: () => ConnectionList;
  info: (id: string) => ConnectionInfo;
  add: (input: AddConnectionInput) => ConnectionInfo;
  update: (input: UpdateConnectionInput) => ConnectionInfo;
  remove: (id: string) => boolean;
  activate: (id: string, region?: string) => ConnectionList;
  /** Remembers who the connection signed in as (from a self-test), for the top bar. */
  recordIdentity: (id: string, identity: { accountId: string; arn: string }) => void;
  answerMfa: MfaPrompts['answer'];
  close: () => void;
};

export type ConnectionsDeps = {
  sandbox: () => SandboxEndpoint | null;
  settings: Pick<SettingsService, 'get' | 'set'>;
  store: KeyValueStore;
  secrets: SecretStore;
  profiles: ProfilesPort;
  credentials: CredentialSources;
  mfa: MfaPrompts;
  now: () => number;
  newId?: () => string;
  /** Connections changed (added, removed, renamed, identity learned). */
  onChange?: () => void;
};
