// The Sandbox tools (sandbox:world, sandbox:mint-token, sandbox:public-key) refuse on any
// connection but the Sandbox, before anything is sent anywhere.
import { describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../../shared/contract';
import { sandboxAdminFor } from './customers';

const real: ConnectionSummary = {
  id: 'prod',
  name: 'Production',
  kind: 'profile',
  isSandbox: false,
  region: 'us-east-1',
  regions: ['us-east-1'],
  accountId: '123456789012',
};
// Port 9 (discard): any attempt to reach it would fail loudly, not as FORBIDDEN.
const sandbox = { endpoint: 'http://127.0.0.1:9', adminToken: 'admin-token-for-tests' };

describe('sandbox tools', () => {
  it('refuse on a real connection, with a hint', () => {
    let refused: unknown;
    try {
      sandboxAdminFor({ connections: { active: () => real }, sandbox });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'FORBIDDEN' });
    expect((refused as { hint?: string }).hint).toMatch(/Sandbox/);
  });

  it('refuse when there is no active connection or no sandbox', () => {
    expect(() => sandboxAdminFor({ connections: { active: () => null }, sandbox })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    const sandboxSummary = { ...real, id: 'sandbox', kind: 'sandbox' as const, isSandbox: true };
    expect(() =>
      sandboxAdminFor({ connections: { active: () => sandboxSummary }, sandbox: null }),
    ).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(
      sandboxAdminFor({ connections: { active: () => sandboxSummary }, sandbox }),
    ).toHaveProperty('mintToken');
  });
});
