// Small display helpers shared by the customers and containers screens.
import type { ResolveFailureKind } from '../../../../shared/channels/customers';
import type { TokenSource } from '../../../../shared/tokens';
import { formatLocalDateTime } from '../../locale';

/** "2026-08-01 10:02:11 UTC": times are shown in UTC, as AWS records them. */
export function utc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The same moment in the user's local time, for beside the UTC one. */
export function local(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return formatLocalDateTime(date.getTime(), { dateStyle: 'medium', timeStyle: 'medium' });
}

export const sourceLabels: Record<TokenSource, string> = {
  raw: 'Raw token',
  'form-body': 'Form body',
  url: 'URL',
  curl: 'curl command',
  har: 'HAR entry',
  json: 'JSON',
  'log-line': 'Log line or request dump',
};

export const failureLabels: Record<ResolveFailureKind, string> = {
  expired: 'Expired',
  invalid: 'Invalid',
  'access-denied': 'Access denied',
  'disabled-api': 'API disabled in region',
  throttled: 'Throttled',
  credentials: 'Credentials',
  network: 'Network',
  'aws-unavailable': 'AWS error',
  other: 'Failed',
};

/** "about 12 s", "about 3 min". */
export function duration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 90) return `about ${String(Math.round(seconds))} s`;
  return `about ${String(Math.round(seconds / 60))} min`;
}
