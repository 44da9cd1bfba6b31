import {
  ExpiredTokenException,
  InternalServiceErrorException,
  InvalidUsageDimensionException,
  MarketplaceMeteringServiceException,
  ThrottlingException,
  TimestampOutOfBoundsException,
} from '@aws-sdk/client-marketplace-metering';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { expiredTokenMeaning, mapAwsError } from './error-map';

const meta = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'req-1', attempts: 3 });

function unmodelled(name: string, httpStatusCode: number) {
  return new MarketplaceMeteringServiceException({
    name,
    $fault: 'client',
    $metadata: meta(httpStatusCode),
    message: `${name} happened`,
  });
}

describe('mapAwsError', () => {
  it.each([
    [
      new ThrottlingException({ message: 'Rate exceeded', $metadata: meta(400) }),
      'AWS_THROTTLED',
      true,
    ],
    [
      new InternalServiceErrorException({ message: 'boom', $metadata: meta(500) }),
      'AWS_UNAVAILABLE',
      true,
    ],
    [
      new TimestampOutOfBoundsException({ message: 'late', $metadata: meta(400) }),
      'AWS_REJECTED',
      false,
    ],
    [
      new InvalidUsageDimensionException({ message: 'dim', $metadata: meta(400) }),
      'AWS_REJECTED',
      false,
    ],
    [unmodelled('AccessDeniedException', 403), 'AWS_ACCESS_DENIED', false],
    [unmodelled('UnrecognizedClientException', 403), 'CREDENTIALS_INVALID', false],
    [unmodelled('InvalidSignatureException', 403), 'CREDENTIALS_INVALID', false],
    [unmodelled('ExpiredTokenException', 403), 'CREDENTIALS_EXPIRED', true],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      'NETWORK',
      true,
    ],
    [
      Object.assign(new Error('Token is expired. To refresh this SSO session run aws sso login'), {
        name: 'CredentialsProviderError',
      }),
      'CREDENTIALS_EXPIRED',
      true,
    ],
    [
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
      'CREDENTIALS_MISSING',
      false,
    ],
    // The names and codes the CloudTrail sync also retries: one list, here.
    [unmodelled('ThrottledException', 400), 'AWS_THROTTLED', true],
    [unmodelled('RequestThrottledException', 400), 'AWS_THROTTLED', true],
    [unmodelled('ServiceUnavailableException', 503), 'AWS_UNAVAILABLE', true],
    [unmodelled('InternalFailure', 500), 'AWS_UNAVAILABLE', true],
    [Object.assign(new Error('request timed out'), { name: 'TimeoutError' }), 'NETWORK', true],
    [unmodelled('RequestTimeoutException', 408), 'NETWORK', true],
    [
      Object.assign(new Error('connect EHOSTUNREACH 10.0.0.1:443'), { code: 'EHOSTUNREACH' }),
      'NETWORK',
      true,
    ],
    [
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      }),
      'NETWORK',
      true,
    ],
  ])('maps %s to %s', (error, code, retryable) => {
    const mapped = mapAwsError(error, { operation: 'BatchMeterUsage', region: 'us-east-1' });
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.message.length).toBeGreaterThan(10);
  });

  it('reads ExpiredTokenException as the registration token only on ResolveCustomer with a 400', () => {
    expect(expiredTokenMeaning('ResolveCustomer', 400, 'Registration token has expired.')).toBe(
      'registration-token',
    );
    expect(
      expiredTokenMeaning(
        'ResolveCustomer',
        403,
        'The security token included in the request is expired',
      ),
    ).toBe('session-credentials');
    expect(
      expiredTokenMeaning(
        'ResolveCustomer',
        undefined,
        'The security token included in the request is expired',
      ),
    ).toBe('session-credentials');
    // No other operation models an expired registration token.
    expect(expiredTokenMeaning('BatchMeterUsage', 400, 'Token expired')).toBe(
      'session-credentials',
    );
    const mapped = mapAwsError(unmodelled('ExpiredTokenException', 403), {
      operation: 'ResolveCustomer',
      profile: 'seller-prod',
    });
    expect(mapped.code).toBe('CREDENTIALS_EXPIRED');
    expect(mapped.hint).toContain('aws sso login --profile seller-prod');
  });

  it('explains an expired registration token as the buyer’s next step, not as expired credentials', () => {
    const mapped = mapAwsError(new ExpiredTokenException({ message: 'x', $metadata: meta(400) }), {
      operation: 'ResolveCustomer',
    });
    expect(mapped.code).toBe('AWS_REJECTED');
    expect(mapped.hint).toMatch(/Set up your account/);
  });

  it('names the IAM action for access denied, and the seller account for ResolveCustomer', () => {
    const batch = mapAwsError(unmodelled('AccessDeniedException', 403), {
      operation: 'BatchMeterUsage',
    });
    expect(batch.hint).toContain('aws-marketplace:BatchMeterUsage');
    const resolve = mapAwsError(unmodelled('AccessDeniedException', 403), {
      operation: 'ResolveCustomer',
    });
    expect(resolve.hint).toMatch(/seller account that published the product/);
  });

  it('gives the exact sso login command for an expired profile session', () => {
    const mapped = mapAwsError(unmodelled('ExpiredTokenException', 403), {
      operation: 'LookupEvents',
      profile: 'seller-prod',
    });
    expect(mapped.hint).toContain('aws sso login --profile seller-prod');
  });

  it('keeps the raw error one click away, with the request id', () => {
    const mapped = mapAwsError(
      new ThrottlingException({ message: 'Rate exceeded', $metadata: meta(400) }),
      { operation: 'BatchMeterUsage' },
    );
    expect(mapped.details).toMatchObject({
      operation: 'BatchMeterUsage',
      aws: { name: 'ThrottlingException', requestId: 'req-1', httpStatusCode: 400 },
    });
  });
});
