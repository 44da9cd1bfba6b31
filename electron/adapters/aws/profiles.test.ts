// Profile listing from a temporary HOME whose config and credentials files (named through
// AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE) hold every kind the SDK knows. The files are
// parsed by the SDK's own loader, so section names mean what they mean to fromIni. No secret value
// may come out of the listing, and an edited file is read again.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFilePath, createProfileSource, credentialsFilePath, readProfiles } from './profiles';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION_TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKENxyz0123456789';

const CONFIG = `
[default]
region = eu-west-1

[profile static-config]
region = us-west-2

[profile sso-legacy]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = MeteringOperator
region = us-east-1

[profile sso-new]
sso_session = corp   # a comment after whitespace
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile sso-broken]
sso_session = missing-block
sso_account_id = 1
sso_role_name = x

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1
sso_registration_scopes = sso:account:access

[profile operator]
role_arn = arn:aws:iam::111122223333:role/MeterdeskOperator
source_profile = static-creds
external_id = partner-ext-id
mfa_serial = arn:aws:iam::111122223333:mfa/alice
role_session_name = alice

[profile from-ec2]
role_arn = arn:aws:iam::111122223333:role/X
credential_source = Ec2InstanceMetadata

[profile orphan-role]
role_arn = arn:aws:iam::111122223333:role/X
source_profile = nowhere

[profile proc]
credential_process = /usr/local/bin/get-creds --secret ${SECRET}

[profile console]
login_session = arn:aws:iam::111122223333:user/alice

[profile webid]
role_arn = arn:aws:iam::111122223333:role/Web
web_identity_token_file = /tmp/token

; a whole-line comment
[profile empty]
output = json
`;

const CREDENTIALS = `
[static-creds]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = ${SECRET}

[static-config]
aws_access_key_id = AKIAI44QH8DHBWXYZ123
aws_secret_access_key = ${SECRET}
aws_session_token = ${SESSION_TOKEN}
`;

describe('AWS profile listing', () => {
  let home: string;
  let env: Record<string, string>;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'meterdesk-home-'));
    mkdirSync(join(home, 'elsewhere'));
    env = {
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'elsewhere', 'my-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'elsewhere', 'my-credentials'),
    };
    writeFileSync(env.AWS_CONFIG_FILE ?? '', CONFIG);
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE ?? '', CREDENTIALS);
  });
  afterAll(() => rmSync(home, { recursive: true, force: true, maxRetries: 3 }));

  it('honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws', () => {
    expect(configFilePath(env)).toBe(join(home, 'elsewhere', 'my-config'));
    expect(credentialsFilePath(env)).toBe(join(home, 'elsewhere', 'my-credentials'));
    expect(configFilePath({ HOME: home })).toBe(join(home, '.aws', 'config'));
    expect(credentialsFilePath({ HOME: home })).toBe(join(home, '.aws', 'credentials'));
    expect(configFilePath({ HOME: home, AWS_CONFIG_FILE: '~/cfg' })).toBe(join(home, 'cfg'));
  });

  it('lists every profile with its kind', async () => {
    const list = await readProfiles(env, 1);
    const byName = Object.fromEntries(list.profiles.map((p) => [p.name, p]));
    const kinds = Object.fromEntries(list.profiles.map((p) => [p.name, p.kind]));
    expect(kinds).toEqual({
      default: 'unknown',
      'static-config': 'static',
      'static-creds': 'static',
      'sso-legacy': 'sso',
      'sso-new': 'sso',
      'sso-broken': 'sso',
      operator: 'assume-role',
      'from-ec2': 'assume-role',
      'orphan-role': 'assume-role',
      proc: 'credential-process',
      console: 'login-session',
      webid: 'web-identity',
      empty: 'unknown',
    });
    expect(list.ssoSessions).toEqual(['corp']);

    expect(byName['static-creds']).toMatchObject({ keyIdLast4: 'MPLE', files: ['credentials'] });
    // A profile in both files is one profile; region from config, keys from credentials.
    expect(byName['static-config']).toMatchObject({
      kind: 'static',
      region: 'us-west-2',
      files: ['config', 'credentials'],
      keyIdLast4: 'Z123',
    });
    expect(byName['sso-legacy']).toMatchObject({
      ssoStartUrl: 'https://example.awsapps.com/start',
      ssoAccountId: '111122223333',
      ssoRoleName: 'MeteringOperator',
    });
    expect(byName['sso-legacy']?.problem).toBeUndefined();
    expect(byName['sso-new']).toMatchObject({
      ssoSession: 'corp',
      ssoStartUrl: 'https://corp.awsapps.com/start',
    });
    expect(byName['sso-new']?.problem).toBeUndefined();
    expect(byName['sso-broken']?.problem).toMatch(/missing-block/);
    expect(byName.operator).toMatchObject({
      roleArn: 'arn:aws:iam::111122223333:role/MeterdeskOperator',
      sourceProfile: 'static-creds',
      hasExternalId: true,
      mfaSerial: 'arn:aws:iam::111122223333:mfa/alice',
    });
    expect(byName['from-ec2']).toMatchObject({ credentialSource: 'Ec2InstanceMetadata' });
    expect(byName['orphan-role']?.problem).toMatch(/nowhere/);
    expect(byName.default?.region).toBe('eu-west-1');
    expect(byName.empty?.problem).toMatch(/no credentials/);
  });

  it('names sections exactly as the SDK loader does, so a listed profile is one fromIni resolves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meterdesk-sdk-names-'));
    try {
      const files = {
        HOME: dir,
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      };
      writeFileSync(
        files.AWS_CONFIG_FILE,
        [
          // Quoted names are unquoted by the SDK's section pattern.
          "[profile 'quoted-name']",
          'credential_process = /bin/true',
          // A name with a space does not match the SDK's pattern: fromIni cannot use it.
          '[profile two words]',
          'credential_process = /bin/true',
          // Without the "profile " prefix a config section is not a profile.
          '[not-a-profile]',
          'credential_process = /bin/true',
          '[services corp-endpoints]',
          'sts =',
          '  endpoint_url = https://sts.example',
          '[profile via-services]',
          'services = corp-endpoints',
          'credential_process = /bin/true',
          '',
        ].join('\n'),
      );
      writeFileSync(files.AWS_SHARED_CREDENTIALS_FILE, '');
      const names = (await readProfiles(files, 1)).profiles.map((p) => p.name);
      expect(names).toEqual(['quoted-name', 'via-services']);
    } finally {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  });

  it('never lets a secret value, session token or process command line out', async () => {
    const text = JSON.stringify(await readProfiles(env, 1));
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SESSION_TOKEN);
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).not.toContain('get-creds');
    expect(text).not.toContain('partner-ext-id');
  });

  it('reads the files again when they change, and tells the listener', async () => {
    let changes = 0;
    const source = await createProfileSource({ env, onChange: () => (changes += 1), watch: false });
    try {
      expect(source.list().profiles.some((p) => p.name === 'added-later')).toBe(false);
      const before = source.version();
      writeFileSync(
        env.AWS_CONFIG_FILE ?? '',
        `${CONFIG}\n[profile added-later]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n`,
      );
      // A coarse-mtime filesystem could see the same second: move mtime on explicitly.
      const later = new Date(Date.now() + 5_000);
      utimesSync(env.AWS_CONFIG_FILE ?? '', later, later);
      // Asking for the list notices the change; the fresh read lands a moment later.
      source.list();
      await expect
        .poll(() => source.list().profiles.find((p) => p.name === 'added-later')?.kind)
        .toBe('sso');
      expect(source.version()).toBe(before + 1);
      expect(changes).toBe(1);
      expect(await source.refresh()).toBe(false);
    } finally {
      source.close();
      writeFileSync(env.AWS_CONFIG_FILE ?? '', CONFIG);
    }
  });

  it('notices a change through the watcher without being asked', async () => {
    let changes = 0;
    const source = await createProfileSource({ env, onChange: () => (changes += 1) });
    try {
      source.list();
      writeFileSync(
        env.AWS_SHARED_CREDENTIALS_FILE ?? '',
        `${CREDENTIALS}\n[watched]\ncredential_process = x\n`,
      );
      const later = new Date(Date.now() + 10_000);
      utimesSync(env.AWS_SHARED_CREDENTIALS_FILE ?? '', later, later);
      await expect.poll(() => changes, { timeout: 3_000 }).toBeGreaterThanOrEqual(1);
    } finally {
      source.close();
      writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE ?? '', CREDENTIALS);
    }
  });
});
