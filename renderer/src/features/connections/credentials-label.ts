// How a connection signs in, in one line for the connections table and the edit form.
import type { ConnectionInfo, ProfileInfo } from '../../../../shared/channels/connections';

export const profileKindLabels: Record<ProfileInfo['kind'], string> = {
  static: 'static keys',
  sso: 'SSO',
  'assume-role': 'assume role',
  'credential-process': 'credential process',
  'login-session': 'console login (aws login)',
  'web-identity': 'web identity',
  unknown: 'unusable',
};

function formatExpiry(expiresAt: number, now: number): string {
  const minutes = Math.round((expiresAt - now) / 60_000);
  const when = new Date(expiresAt).toISOString().replace('.000Z', 'Z').replace('T', ' ');
  if (minutes <= 0) return `expired ${when} UTC`;
  if (minutes < 120) return `expires ${when} UTC (in ${minutes} min)`;
  return `expires ${when} UTC (in ${Math.round(minutes / 60)} h)`;
}

export function credentialsLabel(connection: ConnectionInfo, now: number): string {
  if (connection.isSandbox) return 'Built-in sandbox key';
  const parts: string[] = [];
  if (connection.kind === 'profile') {
    parts.push(
      `Profile ${connection.profile ?? ''}${connection.profileKind ? ` (${profileKindLabels[connection.profileKind]})` : ''}`,
    );
  } else {
    parts.push(
      `Access key …${connection.keyIdLast4 ?? ''}${connection.hasSessionToken ? ' with session token' : ''}`,
    );
    parts.push(connection.storage === 'encrypted' ? 'saved encrypted' : 'this run only');
  }
  if (connection.role) parts.push(`then assumes ${connection.role.roleArn}`);
  if (connection.expiresAt !== undefined) parts.push(formatExpiry(connection.expiresAt, now));
  return parts.join('; ');
}
