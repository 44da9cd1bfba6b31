// Times in the audit view: UTC always (usage hours are UTC), local time one hover away.
import { formatLocalDateTime } from '../../locale';

const pad = (n: number): string => String(n).padStart(2, '0');

/** 2026-07-01 14:32:05Z, or 2026-07-01 14:00Z for an hour. */
export function formatUtc(ms: number, hourOnly = false): string {
  const d = new Date(ms);
  const day = `${String(d.getUTCFullYear())}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = hourOnly
    ? `${pad(d.getUTCHours())}:00`
    : `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${day} ${time}Z`;
}

export function localTime(ms: number): string {
  return formatLocalDateTime(ms, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "1 min 05 s", "2 h 03 min", for time left. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${String(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${String(m)} min ${pad(s % 60)} s`;
  return `${String(Math.floor(m / 60))} h ${pad(m % 60)} min`;
}
