// The edit form's input: a keys connection whose endpoint changes sends its keys again (the core
// refuses otherwise); a profile connection, or an unchanged endpoint, sends no keys.
import { describe, expect, it } from 'vitest';
import {
  updateConnectionInputSchema,
  type ConnectionInfo,
} from '../../../../shared/channels/connections';
import { buildUpdateInput, editDraftOf, needsKeysAgain } from './connection-drafts';

const keysConnection: ConnectionInfo = {
  id: 'conn-1',
  name: 'Finance',
  kind: 'keys',
  isSandbox: false,
  region: 'us-east-1',
  regions: ['us-east-1'],
  endpoint: 'https://metering.example.com',
  keyIdLast4: 'MPLE',
};
const keys = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: '',
};

describe('edit drafts: endpoint and keys', () => {
  it('asks for the keys when a keys connection changes or drops its endpoint', () => {
    const draft = editDraftOf(keysConnection);
    expect(needsKeysAgain(keysConnection, draft)).toBe(false);
    for (const endpoint of ['https://elsewhere.example.com', '']) {
      const changed = { ...draft, endpoint };
      expect(needsKeysAgain(keysConnection, changed)).toBe(true);
      const input = updateConnectionInputSchema.parse(
        buildUpdateInput(keysConnection, changed, keys),
      );
      expect(input.keys).toEqual({
        accessKeyId: keys.accessKeyId,
        secretAccessKey: keys.secretAccessKey,
      });
      expect(input.endpoint).toBe(endpoint === '' ? null : endpoint);
      // Empty key fields are an error next to the field, not a silent send without keys.
      const empty = updateConnectionInputSchema.safeParse(
        buildUpdateInput(keysConnection, changed, { ...keys, secretAccessKey: '' }),
      );
      expect(empty.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
        'keys.secretAccessKey',
      ]);
    }
  });

  it('sends no keys when the endpoint stays, or for a profile connection', () => {
    const same = buildUpdateInput(keysConnection, editDraftOf(keysConnection), keys);
    expect(same).not.toHaveProperty('keys');
    const profile: ConnectionInfo = { ...keysConnection, kind: 'profile', profile: 'ops' };
    const moved = { ...editDraftOf(profile), endpoint: 'https://elsewhere.example.com' };
    expect(needsKeysAgain(profile, moved)).toBe(false);
    expect(buildUpdateInput(profile, moved, keys)).not.toHaveProperty('keys');
  });

  it('refuses a plain-http endpoint off this computer in the form, as the core does', () => {
    const draft = { ...editDraftOf(keysConnection), endpoint: 'http://metering.example.com' };
    const parsed = updateConnectionInputSchema.safeParse(
      buildUpdateInput(keysConnection, draft, keys),
    );
    expect(parsed.error?.issues[0]?.message).toMatch(/Use https:\/\//);
  });
});
