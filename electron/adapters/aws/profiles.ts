// Lists the profiles of the shared AWS config and credentials files (honouring AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE) and says what kind each is, the way the SDK's fromIni decides it.
// It only classifies sections: credentials themselves are resolved by @aws-sdk/credential-providers
// (credentials.ts). Secret values are never kept: of a static profile only the key id's last four
// characters survive parsing. The files are re-read when their mtime changes, and watched.
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
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
 * INI sections → keys. Comments start with # or ; at a line start or after whitespace; an
 * indented `key = value` under a `name =` line is a sub-property (kept as name.key, as the SDK does).
 */
export function parseIniSections(text: string): Map<string, Section> {
  const sections = new Map<string, Section>();
  let current: Section | undefined;
  let subsection: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = (rawLine.split(/(^|\s)[;#]/)[0] ?? '').trim();
    if (line.startsWith('[') && line.endsWith(']')) {
      const name = line.slice(1, -1).trim().replace(/\s+/g, ' ');
      subsection = undefined;
      if (name === '__proto__' || name === 'profile __proto__') {
        current = undefined;
        continue;
      }
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      continue;
    }
    if (!current) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (value === '') {
      subsection = key;
      continue;
    }
    if (subsection !== undefined && rawLine.trimStart() === rawLine) subsection = undefined;
    const fullKey = subsection === undefined ? key : `${subsection}.${key}`;
    if (KEPT_KEYS.has(fullKey)) current.set(fullKey, value);
    else if (fullKey === 'aws_access_key_id') current.set(fullKey, value.slice(-4));
    else current.set(fullKey, PRESENT);
  }
  return sections;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

type Merged = { data: Section; files: Set<'config' | 'credentials'> };

/** Config sections `[profile x]`/`[default]` and credentials sections `[x]`, merged per key. */
function mergeProfiles(
  config: Map<string, Section>,
  credentials: Map<string, Section>,
): { profiles: Map<string, Merged>; ssoSessions: Map<string, Section> } {
  const profiles = new Map<string, Merged>();
  const ssoSessions = new Map<string, Section>();
  const add = (name: string, data: Section, file: 'config' | 'credentials'): void => {
    const entry = profiles.get(name) ?? { data: new Map<string, string>(), files: new Set() };
    // Credentials-file values win over config-file values, as in the SDK's merge.
    for (const [key, value] of data) entry.data.set(key, value);
    entry.files.add(file);
    profiles.set(name, entry);
  };
  for (const [section, data] of config) {
    if (section === 'default') add('default', data, 'config');
    else if (section.startsWith('profile '))
      add(section.slice('profile '.length).trim(), data, 'config');
    else if (section.startsWith('sso-session ')) {
      ssoSessions.set(section.slice('sso-session '.length).trim(), data);
    }
  }
  for (const [section, data] of credentials) add(section, data, 'credentials');
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

export function readProfiles(env: AwsEnv = process.env, now: number = Date.now()): ProfileList {
  const configFile = configFilePath(env);
  const credentialsFile = credentialsFilePath(env);
  const config = parseIniSections(readText(configFile) ?? '');
  const credentials = parseIniSections(readText(credentialsFile) ?? '');
  const { profiles, ssoSessions } = mergeProfiles(config, credentials);
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
  /** The current listing; re-read first if either file changed since the last read. */
  list: () => ProfileList;
  /** Increases whenever the files changed, so cached credential providers are rebuilt. */
  version: () => number;
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

export function createProfileSource(
  options: { env?: AwsEnv; onChange?: () => void; watch?: boolean; now?: () => number } = {},
): ProfileSource {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  let version = 0;
  let stamps = '';
  let cached: ProfileList | undefined;

  const refresh = (): boolean => {
    const next = `${stamp(configFilePath(env))}|${stamp(credentialsFilePath(env))}`;
    if (cached && next === stamps) return false;
    const changed = cached !== undefined;
    stamps = next;
    cached = readProfiles(env, now());
    if (changed) version += 1;
    return changed;
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
          debounce = setTimeout(() => {
            if (refresh()) options.onChange?.();
          }, 100);
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
      if (refresh()) options.onChange?.();
      if (!cached) throw new Error('unreachable: profiles were just read');
      return cached;
    },
    version() {
      refresh();
      return version;
    },
    close() {
      if (debounce) clearTimeout(debounce);
      for (const watcher of watchers) watcher.close();
    },
  };
}
