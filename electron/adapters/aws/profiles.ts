// Lists the profiles of the shared AWS config and credentials files (honouring AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE) and says what kind each is, the way the SDK's fromIni decides it.
// The files are read and parsed by the SDK's own loader; this only classifies the sections, and
// credentials themselves are resolved by @aws-sdk/credential-providers (credentials.ts). Secret
// values are never kept: of a static profile only the key id's last four characters survive.
// The files are read again when their mtime changes, and watched.
import { statSync, watch, type FSWatcher } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';
import type { ProfileInfo, ProfileKind, ProfileList } from '../../../shared/channels/connections';

export type AwsEnv = Record<string, string | undefined>;

/** Keys whose values are kept; everything else is recorded as present only. */
const KEPT_KEYS = new Set([
  'region',
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  'role_arn',
  'source_profile',
  'credential_source',
  'mfa_serial',
  'role_session_name',
  'duration_seconds',
  'web_identity_token_file',
  'login_session',
]);
const PRESENT = '\u0000present';

function homeOf(env: AwsEnv): string {
  // The same order the SDK uses (HOME, USERPROFILE, HOMEPATH), so both agree on ~/.aws.
  if (env.HOME) return env.HOME;
  if (env.USERPROFILE) return env.USERPROFILE;
  if (env.HOMEPATH) return `${env.HOMEDRIVE ?? 'C:\\'}${env.HOMEPATH}`;
  return homedir();
}

function expandHome(path: string, env: AwsEnv): string {
  return path.startsWith('~/') ? join(homeOf(env), path.slice(2)) : path;
}

export function configFilePath(env: AwsEnv = process.env): string {
  return expandHome(env.AWS_CONFIG_FILE || join(homeOf(env), '.aws', 'config'), env);
}

export function credentialsFilePath(env: AwsEnv = process.env): string {
  return expandHome(
    env.AWS_SHARED_CREDENTIALS_FILE || join(homeOf(env), '.aws', 'credentials'),
    env,
  );
}

type Section = Map<string, string>;

/**
 * Keeps what classification needs of one parsed section: the kept keys' values, the last four
 * characters of the key id, and every other key only as present (so no secret survives).
 */
function sectionOf(values: Record<string, string | undefined>): Section {
  const section = new Map<string, string>();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (KEPT_KEYS.has(key)) section.set(key, value);
    else if (key === 'aws_access_key_id') section.set(key, value.slice(-4));
    else section.set(key, PRESENT);
  }
  return section;
}

type Merged = { data: Section; files: Set<'config' | 'credentials'> };

/** Both files as the SDK's loader parsed them. */
type SharedConfigFiles = Awaited<ReturnType<typeof loadSharedConfigFiles>>;

/** The SDK's parsed config names `[sso-session x]` as "sso-session.x" and `[services x]` so. */
const SSO_SESSION_PREFIX = 'sso-session.';
const SERVICES_PREFIX = 'services.';

/**
 * The files as the SDK parsed them: config profiles (`[profile x]` and `[default]`, already
 * named x and default by the loader), sso-session blocks, and credentials sections, merged per
 * key with the credentials file winning, as the SDK's own merge does.
 */
function mergeProfiles(files: SharedConfigFiles): {
  profiles: Map<string, Merged>;
  ssoSessions: Map<string, Section>;
} {
  const profiles = new Map<string, Merged>();
  const ssoSessions = new Map<string, Section>();
  const add = (name: string, data: Section, file: 'config' | 'credentials'): void => {
    const entry = profiles.get(name) ?? { data: new Map<string, string>(), files: new Set() };
    for (const [key, value] of data) entry.data.set(key, value);
    entry.files.add(file);
    profiles.set(name, entry);
  };
  for (const [name, values] of Object.entries(files.configFile)) {
    if (name.startsWith(SSO_SESSION_PREFIX)) {
      ssoSessions.set(name.slice(SSO_SESSION_PREFIX.length), sectionOf(values));
    } else if (!name.startsWith(SERVICES_PREFIX)) {
      add(name, sectionOf(values), 'config');
    }
  }
  for (const [name, values] of Object.entries(files.credentialsFile)) {
    add(name, sectionOf(values), 'credentials');
  }
  return { profiles, ssoSessions };
}

/** The same precedence as the SDK's resolveProfileData. */
function classify(
  name: string,
  entry: Merged,
  all: Map<string, Merged>,
  ssoSessions: Map<string, Section>,
): ProfileInfo {
  const d = entry.data;
  const get = (key: string): string | undefined => {
    const value = d.get(key);
    return value === undefined || value === PRESENT ? undefined : value;
  };
  const has = (key: string): boolean => d.has(key);
  const info: ProfileInfo = {
    name,
    kind: 'unknown',
    files: [...entry.files].sort(),
    hasExternalId: has('external_id'),
  };
  const region = get('region');
  if (region !== undefined) info.region = region;
  const setKind = (kind: ProfileKind): void => {
    info.kind = kind;
  };

  const roleArn = get('role_arn');
  const sourceProfile = get('source_profile');
  const credentialSource = get('credential_source');
  if (roleArn !== undefined && (sourceProfile !== undefined) !== (credentialSource !== undefined)) {
    setKind('assume-role');
    info.roleArn = roleArn;
    if (sourceProfile !== undefined) {
      info.sourceProfile = sourceProfile;
      if (!all.has(sourceProfile))
        info.problem = `Its source profile "${sourceProfile}" is not defined.`;
    }
    if (credentialSource !== undefined) info.credentialSource = credentialSource;
    const mfa = get('mfa_serial');
    if (mfa !== undefined) info.mfaSerial = mfa;
    return info;
  }
  if (has('aws_access_key_id') && has('aws_secret_access_key')) {
    setKind('static');
    const last4 = get('aws_access_key_id');
    if (last4 !== undefined) info.keyIdLast4 = last4;
    return info;
  }
  if (has('web_identity_token_file') && roleArn !== undefined) {
    setKind('web-identity');
    info.roleArn = roleArn;
    return info;
  }
  if (has('credential_process')) {
    setKind('credential-process');
    return info;
  }
  const ssoKeys = ['sso_start_url', 'sso_account_id', 'sso_session', 'sso_region', 'sso_role_name'];
  if (ssoKeys.some(has)) {
    setKind('sso');
    const session = get('sso_session');
    const startUrl = get('sso_start_url');
    const account = get('sso_account_id');
    const roleName = get('sso_role_name');
    if (session !== undefined) info.ssoSession = session;
    if (account !== undefined) info.ssoAccountId = account;
    if (roleName !== undefined) info.ssoRoleName = roleName;
    if (session !== undefined) {
      const block = ssoSessions.get(session);
      const url = block?.get('sso_start_url');
      if (url !== undefined && url !== PRESENT) info.ssoStartUrl = url;
      if (!block)
        info.problem = `Its sso-session "${session}" block is missing from the config file.`;
    } else {
      if (startUrl !== undefined) info.ssoStartUrl = startUrl;
      const missing = ['sso_start_url', 'sso_account_id', 'sso_region', 'sso_role_name'].filter(
        (key) => !has(key),
      );
      if (missing.length > 0) info.problem = `It lacks ${missing.join(', ')}.`;
    }
    if (account === undefined || roleName === undefined) {
      info.problem ??= 'It lacks sso_account_id or sso_role_name.';
    }
    return info;
  }
  if (has('login_session')) {
    setKind('login-session');
    return info;
  }
  info.problem = 'It has no credentials the AWS SDK can use.';
  return info;
}

/**
 * Reads both files with the SDK's own loader (`loadSharedConfigFiles`, the one `fromIni` uses),
 * so a profile is listed exactly as the SDK will resolve it. The loader caches file reads; this
 * always reads afresh, which also refreshes what `fromIni` sees.
 */
export async function readProfiles(
  env: AwsEnv = process.env,
  now: number = Date.now(),
): Promise<ProfileList> {
  const configFile = configFilePath(env);
  const credentialsFile = credentialsFilePath(env);
  const files = await loadSharedConfigFiles({
    configFilepath: configFile,
    filepath: credentialsFile,
    ignoreCache: true,
  });
  const { profiles, ssoSessions } = mergeProfiles(files);
  return {
    configFile,
    credentialsFile,
    profiles: [...profiles.entries()]
      .map(([name, entry]) => classify(name, entry, profiles, ssoSessions))
      .sort((a, b) => a.name.localeCompare(b.name)),
    ssoSessions: [...ssoSessions.keys()].sort(),
    readAt: now,
  };
}

/** What the connections service needs of the profile files. */
export type ProfileSource = {
  /**
   * The latest listing. When either file changed since it was read, a fresh read starts and
   * `onChange` fires once it is in (the watcher usually gets there first).
   */
  list: () => ProfileList;
  /** Increases whenever the files changed, so cached credential providers are rebuilt. */
  version: () => number;
  /** Reads the files now if they changed; true when the listing changed. */
  refresh: () => Promise<boolean>;
  close: () => void;
};

function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
}

/** Reads the files once before it answers, so the first `list()` is already complete. */
export async function createProfileSource(
  options: { env?: AwsEnv; onChange?: () => void; watch?: boolean; now?: () => number } = {},
): Promise<ProfileSource> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const stampsNow = (): string =>
    `${stamp(configFilePath(env))}|${stamp(credentialsFilePath(env))}`;
  let version = 0;
  let stamps = stampsNow();
  let cached = await readProfiles(env, now());
  let reading: Promise<boolean> | undefined;

  const refresh = (): Promise<boolean> => {
    reading ??= (async () => {
      const next = stampsNow();
      if (next === stamps) return false;
      try {
        cached = await readProfiles(env, now());
      } catch {
        // Unreadable right now (mid-write): keep the last listing, try again on the next change.
        return false;
      }
      // The stamps from before the read: a change during the read is seen next time.
      stamps = next;
      version += 1;
      options.onChange?.();
      return true;
    })().finally(() => {
      reading = undefined;
    });
    return reading;
  };
  const refreshIfChanged = (): void => {
    if (stampsNow() !== stamps) void refresh();
  };

  const watchers: FSWatcher[] = [];
  let debounce: ReturnType<typeof setTimeout> | undefined;
  if (options.watch !== false) {
    // Watch the folders, not the files: editors replace files (rename), and a missing file
    // may be created later.
    const files = [configFilePath(env), credentialsFilePath(env)];
    for (const folder of new Set(files.map((file) => dirname(file)))) {
      const names = new Set(files.filter((f) => dirname(f) === folder).map((f) => basename(f)));
      try {
        const watcher = watch(folder, { persistent: false }, (_event, filename) => {
          if (filename !== null && !names.has(filename)) return;
          if (debounce) clearTimeout(debounce);
          debounce = setTimeout(() => void refresh(), 100);
        });
        watcher.on('error', () => undefined);
        watchers.push(watcher);
      } catch {
        // No ~/.aws folder yet: the mtime check on every list() still sees new files.
      }
    }
  }

  return {
    list() {
      refreshIfChanged();
      return cached;
    },
    version() {
      refreshIfChanged();
      return version;
    },
    refresh,
    close() {
      if (debounce) clearTimeout(debounce);
      for (const watcher of watchers) watcher.close();
    },
  };
}
