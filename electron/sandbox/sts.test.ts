// STS on the sandbox through the real @aws-sdk/client-sts: GetCallerIdentity, AssumeRole minting
// temporary keys that then sign metering calls, external id / MFA / deny rules, and STS's XML
// error document.
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { ResolveCustomerCommand } from '@aws-sdk/client-marketplace-metering';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from './testing/sandbox-testkit';

const OPERATOR = 'arn:aws:iam::111122223333:role/MeterdeskOperator';
const PARTNER = 'arn:aws:iam::111122223333:role/MeterdeskPartnerAccess';
const MFA_ROLE = 'arn:aws:iam::111122223333:role/MeterdeskMfaOperator';

describe('sandbox STS', () => {
  let t: TestSandbox;
  const clients: STSClient[] = [];
  const sts = (credentials?: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  }): STSClient => {
    const client = new STSClient({
      region: t.sandbox.region,
      endpoint: t.sandbox.endpoint,
      maxAttempts: 1,
      credentials: credentials ?? {
        accessKeyId: t.sandbox.accessKeyId,
        secretAccessKey: t.sandbox.secretAccessKey,
      },
    });
    clients.push(client);
    return client;
  };
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => e as STSServiceException,
    );

  beforeAll(async () => {
    t = await startTestSandbox();
  });
  afterEach(async () => {
    await t.admin('PUT', '/_sandbox/faults', {});
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await t.close();
  });

  it('answers GetCallerIdentity for the built-in key', async () => {
    const who = await sts().send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe('111122223333');
    expect(who.Arn).toBe('arn:aws:iam::111122223333:user/meterdesk-sandbox');
    expect(who.UserId).toMatch(/^AIDA/);
  });

  it('AssumeRole mints an ASIA session that signs metering calls until it expires', async () => {
    const assumed = await sts().send(
      new AssumeRoleCommand({
        RoleArn: OPERATOR,
        RoleSessionName: 'finance-alice',
        DurationSeconds: 900,
      }),
    );
    const c = assumed.Credentials;
    expect(c?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(c?.SessionToken).toBeTruthy();
    expect(c?.Expiration).toBeInstanceOf(Date);
    const expiresIn = (c?.Expiration?.getTime() ?? 0) - Date.now();
    expect(expiresIn).toBeGreaterThan(890_000);
    expect(expiresIn).toBeLessThanOrEqual(900_000);
    expect(assumed.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/MeterdeskOperator/finance-alice',
    );
    const session = {
      accessKeyId: c?.AccessKeyId ?? '',
      secretAccessKey: c?.SecretAccessKey ?? '',
      sessionToken: c?.SessionToken ?? '',
    };
    const who = await sts(session).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe('arn:aws:sts::111122223333:assumed-role/MeterdeskOperator/finance-alice');
    expect(who.UserId).toBe('AROAMETERDESKOPERATOR1:finance-alice');
    // The same keys work on the metering API (an invalid token is a permitted, answered call).
    const resolved = await t
      .metering(session)
      .send(new ResolveCustomerCommand({ RegistrationToken: 'not-a-token' }))
      .catch((e: unknown) => e as Error);
    expect((resolved as Error).name).toBe('InvalidTokenException');
    // Without the session token the key is not accepted.
    const noToken = await failure(
      sts({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }).send(
        new GetCallerIdentityCommand({}),
      ),
    );
    expect(noToken.name).toBe('InvalidClientTokenId');
  });

  it('refuses an expired session with ExpiredToken', async () => {
    const { body } = await t.admin<{
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken: string;
    }>('POST', '/_sandbox/credentials', { temporary: true, expiresInSeconds: -60 });
    const error = await failure(sts(body).send(new GetCallerIdentityCommand({})));
    expect(error.name).toBe('ExpiredToken');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('requires the external id a role names, and answers AccessDenied as STS XML', async () => {
    const without = await failure(
      sts().send(new AssumeRoleCommand({ RoleArn: PARTNER, RoleSessionName: 's1' })),
    );
    expect(without.name).toBe('AccessDenied');
    expect(without.$metadata.httpStatusCode).toBe(403);
    expect(without.message).toBe(
      `User: arn:aws:iam::111122223333:user/meterdesk-sandbox is not authorized to perform: sts:AssumeRole on resource: ${PARTNER}`,
    );
    const ok = await sts().send(
      new AssumeRoleCommand({
        RoleArn: PARTNER,
        RoleSessionName: 's1',
        ExternalId: 'meterdesk-sandbox-external-id',
      }),
    );
    expect(ok.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it('asks for MFA where the role requires it', async () => {
    const noMfa = await failure(
      sts().send(new AssumeRoleCommand({ RoleArn: MFA_ROLE, RoleSessionName: 'mfa-user' })),
    );
    expect(noMfa.name).toBe('AccessDenied');
    const mfa = { SerialNumber: 'arn:aws:iam::111122223333:mfa/alice' };
    const wrong = await failure(
      sts().send(
        new AssumeRoleCommand({
          RoleArn: MFA_ROLE,
          RoleSessionName: 'mfa-user',
          ...mfa,
          TokenCode: '000000',
        }),
      ),
    );
    expect(wrong.message).toMatch(/MultiFactorAuthentication failed/);
    const ok = await sts().send(
      new AssumeRoleCommand({
        RoleArn: MFA_ROLE,
        RoleSessionName: 'mfa-user',
        ...mfa,
        TokenCode: '123456',
      }),
    );
    expect(ok.Credentials?.SessionToken).toBeTruthy();
  });

  it('honours deny rules for sts:AssumeRole but never for GetCallerIdentity', async () => {
    await t.admin('PUT', '/_sandbox/faults', { denyActions: [{ action: 'sts:*' }] });
    const denied = await failure(
      sts().send(new AssumeRoleCommand({ RoleArn: OPERATOR, RoleSessionName: 'x1' })),
    );
    expect(denied.name).toBe('AccessDenied');
    const who = await sts().send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe('111122223333');
  });

  it('validates DurationSeconds against the role and unknown roles look like denials', async () => {
    const tooLong = await failure(
      sts().send(
        new AssumeRoleCommand({
          RoleArn: OPERATOR,
          RoleSessionName: 'x-user',
          DurationSeconds: 7200,
        }),
      ),
    );
    expect(tooLong.name).toBe('ValidationError');
    const missing = await failure(
      sts().send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::111122223333:role/Nope',
          RoleSessionName: 'x-user',
        }),
      ),
    );
    expect(missing.name).toBe('AccessDenied');
  });

  it('serves STS error XML exactly in the documented shape', async () => {
    const response = await fetch(`${t.sandbox.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(response.status).toBe(403);
    const xml = await response.text();
    expect(xml).toMatch(
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>MissingAuthenticationToken<\/Code>\s*<Message>[^<]+<\/Message>\s*<\/Error>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ErrorResponse>\s*$/,
    );
  });

  it('adds roles through the admin API', async () => {
    const { status, body } = await t.admin<{ roleArn: string }>('POST', '/_sandbox/roles', {
      roleName: 'AuditReader',
      externalId: 'xyz-123',
    });
    expect(status).toBe(200);
    expect(body.roleArn).toBe('arn:aws:iam::111122223333:role/AuditReader');
    const ok = await sts().send(
      new AssumeRoleCommand({
        RoleArn: body.roleArn,
        RoleSessionName: 'audit',
        ExternalId: 'xyz-123',
      }),
    );
    expect(ok.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[0-9A-F]{16}:audit$/);
  });
});
