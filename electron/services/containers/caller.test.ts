// What identifies a MeterUsage caller (the model doc of DuplicateRequestException: one report per
// hour and dimension from the same EC2 instance, ECS task or EKS pod), read from caller ARNs of
// the shapes STS GetCallerIdentity returns (AWS-FACTS §0.1 lists the identity types).
import { describe, expect, it } from 'vitest';
import { describeCaller } from './caller';

describe('describeCaller', () => {
  it('an instance or task role session is the workload AWS counts', () => {
    const view = describeCaller(
      'arn:aws:sts::444455556666:assumed-role/ecsTaskRole/5d2a9c0e1f3b4a6c8e7d9f0a1b2c3d4e',
      '444455556666',
      false,
    );
    expect(view).toMatchObject({ kind: 'role-session', name: '5d2a9c0e1f3b4a6c8e7d9f0a1b2c3d4e' });
    expect(view.explanation).toMatch(
      /for each EC2 instance, ECS task or EKS pod, not one per account/,
    );
    expect(view.explanation).toMatch(
      /role session “5d2a9c0e1f3b4a6c8e7d9f0a1b2c3d4e” of role ecsTaskRole/,
    );
  });

  it('long-term IAM user keys are not a workload; the Sandbox counts each key as one', () => {
    const real = describeCaller('arn:aws:iam::111122223333:user/ops/alice', '111122223333', false);
    expect(real).toMatchObject({ kind: 'iam-user', name: 'alice' });
    expect(real.explanation).not.toMatch(/Sandbox/);
    const sandbox = describeCaller(
      'arn:aws:iam::111122223333:user/meterdesk-sandbox',
      '111122223333',
      true,
    );
    expect(sandbox.explanation).toMatch(/Sandbox counts each access key as one workload/);
  });

  it('root, federated users and anything else are named as they are', () => {
    expect(describeCaller('arn:aws:iam::111122223333:root', '111122223333', false).kind).toBe(
      'root',
    );
    expect(
      describeCaller('arn:aws:sts::111122223333:federated-user/bob', '111122223333', false),
    ).toMatchObject({ kind: 'federated-user', name: 'bob' });
    expect(describeCaller('arn:aws-cn:iam::111122223333:group/x', '1', false).kind).toBe('other');
  });
});
