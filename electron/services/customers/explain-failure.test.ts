// ExpiredTokenException names two things (AWS-FACTS §0.1): ResolveCustomer's expired registration
// token (modelled, 400) and expired STS session credentials (any signed call, 403). The status,
// AWS's message and another call on the same credentials decide which one a user is told about.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { mapAwsError } from '../../adapters/aws/error-map';
import { explainResolveFailure, type CredentialsCheck } from './explain-failure';

const TOKEN = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx';

function expired(status: number | undefined, message: string): AppError {
  return mapAwsError(
    Object.assign(new Error(message), {
      name: 'ExpiredTokenException',
      $fault: 'client',
      ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
    }),
    { operation: 'ResolveCustomer', region: 'us-east-1', profile: 'seller-prod' },
  );
}

const works: CredentialsCheck = { ok: true };
const stsExpired: CredentialsCheck = {
  ok: false,
  error: mapAwsError(
    Object.assign(new Error('The security token included in the request is expired'), {
      name: 'ExpiredToken',
      $metadata: { httpStatusCode: 403 },
    }),
    { operation: 'GetCallerIdentity', profile: 'seller-prod' },
  ),
};
const unreachable: CredentialsCheck = {
  ok: false,
  error: new AppError('NETWORK', 'Could not reach AWS for GetCallerIdentity.'),
};

describe('ExpiredTokenException on ResolveCustomer', () => {
  it('400 with the token message and working credentials: the buyer’s token expired', () => {
    const failure = explainResolveFailure(
      expired(400, 'Registration token has expired.'),
      TOKEN,
      works,
    );
    expect(failure).toMatchObject({ kind: 'expired', code: 'AWS_REJECTED', retryable: false });
    expect(failure.nextStep).toMatch(/Set up your account/);
    expect(failure.evidence?.[0]).toMatch(/HTTP 400/);
  });

  it('403 "security token … expired": the seller’s session, with the login command', () => {
    const failure = explainResolveFailure(
      expired(403, 'The security token included in the request is expired'),
      TOKEN,
      stsExpired,
    );
    expect(failure).toMatchObject({ kind: 'credentials', code: 'CREDENTIALS_EXPIRED' });
    expect(failure.nextStep).toContain('aws sso login --profile seller-prod');
    expect(failure.message).toMatch(/buyer does not need to do anything/);
  });

  it('the status alone decides when no other call could be made', () => {
    expect(explainResolveFailure(expired(403, 'Token expired'), TOKEN).kind).toBe('credentials');
    expect(explainResolveFailure(expired(400, 'Token expired'), TOKEN).kind).toBe('expired');
    // A network fault on the check is no evidence either way: the status decides.
    expect(explainResolveFailure(expired(400, 'x'), TOKEN, unreachable).kind).toBe('expired');
    expect(explainResolveFailure(expired(400, 'x'), TOKEN, unreachable).evidence).toContainEqual(
      expect.stringMatching(/could not be checked with another call/),
    );
  });

  it('the message names the security token: credentials, whatever the status', () => {
    const failure = explainResolveFailure(
      expired(undefined, 'The security token included in the request is expired'),
      TOKEN,
    );
    expect(failure.kind).toBe('credentials');
  });

  it('another call on the same credentials outweighs an ambiguous answer', () => {
    // 400 with a neutral message, but the same keys fail elsewhere: it was the credentials.
    const failure = explainResolveFailure(expired(400, 'Expired'), TOKEN, stsExpired);
    expect(failure.kind).toBe('credentials');
    expect(failure.evidence).toContainEqual(expect.stringMatching(/failed too/));
    // 403, but the same keys just worked: the registration token is what expired.
    const other = explainResolveFailure(expired(403, 'Expired'), TOKEN, works);
    expect(other.kind).toBe('expired');
    expect(other.evidence).toContainEqual(expect.stringMatching(/succeeded right after/));
  });
});
