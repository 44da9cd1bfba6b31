// Reading a probe's answer into a grid cell, with the answers AWS documents (AWS-FACTS §1.7,
// §0.1): a rejection of the probe itself proves the call got past IAM; denial, expired session
// credentials and a disabled API do not.
import { describe, expect, it } from 'vitest';
import { classifyProbe } from './self-test';

function answer(name: string, status: number, message = `${name} happened`): unknown {
  return Object.assign(new Error(message), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
  });
}

describe('self-test probe answers', () => {
  it('the probe’s own rejection means permitted', () => {
    expect(
      classifyProbe('ResolveCustomer', 'us-east-1', {
        ok: false,
        error: answer('InvalidTokenException', 400),
      }),
    ).toMatchObject({ status: 'allowed', code: 'InvalidTokenException' });
    expect(
      classifyProbe('MeterUsage', 'us-east-1', {
        ok: false,
        error: answer('DryRunOperation', 412),
      }),
    ).toMatchObject({ status: 'allowed' });
  });

  it('an expired registration token (400) is the probe’s rejection; expired credentials (403) are not', () => {
    expect(
      classifyProbe('ResolveCustomer', 'us-east-1', {
        ok: false,
        error: answer('ExpiredTokenException', 400, 'Registration token has expired.'),
      }).status,
    ).toBe('allowed');
    const session = classifyProbe(
      'ResolveCustomer',
      'us-east-1',
      {
        ok: false,
        error: answer(
          'ExpiredTokenException',
          403,
          'The security token included in the request is expired',
        ),
      },
      'seller-prod',
    );
    expect(session).toMatchObject({ status: 'error', code: 'ExpiredTokenException' });
    expect(session.hint).toContain('aws sso login --profile seller-prod');
  });

  it('a MeterUsage dry run without permission (UnauthorizedException) is denied, naming the IAM action', () => {
    const cell = classifyProbe('MeterUsage', 'eu-west-1', {
      ok: false,
      error: answer('UnauthorizedException', 403),
    });
    expect(cell).toMatchObject({ status: 'denied', code: 'UnauthorizedException' });
    expect(cell.reason).toContain('aws-marketplace:MeterUsage');
  });

  it('a disabled API says so for the region', () => {
    const cell = classifyProbe('BatchMeterUsage', 'eu-west-1', {
      ok: false,
      error: answer('DisabledApiException', 400),
    });
    expect(cell).toMatchObject({ status: 'error', code: 'DisabledApiException' });
    expect(cell.reason).toBe('BatchMeterUsage is not enabled for this seller in eu-west-1.');
  });
});
