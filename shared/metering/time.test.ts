// The usage time as people type it and spreadsheets export it: ISO 8601 with a real zone. AWS's
// Timestamp is an instant (epoch seconds on the wire, AWS-FACTS §1.1), so a time whose zone is
// unknown or impossible cannot be sent: Meterdesk never guesses it.
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../aws/metering-rules';
import {
  offsetMinutes,
  readUsageTime,
  validateRecord,
  type Product,
  type UsageRecordDraft,
} from '.';
import { isFileZone, isoWithOffset, resolveWallTime, zoneOffsetAt } from './zones';

const NOW = Date.UTC(2026, 6, 15, 12, 30);
const product: Product = {
  id: 'p',
  name: 'P',
  kind: 'saas',
  identityModel: 'legacy',
  productCode: 'prod-p',
  dimensions: [{ name: 'Users', description: '' }],
  source: 'user',
};
const draft = (timestamp: string): UsageRecordDraft => ({
  productId: 'p',
  customerIdentifier: 'cust-1',
  dimension: 'Users',
  quantity: 1,
  timestamp,
});
const codes = (timestamp: string): string[] =>
  validateRecord(draft(timestamp), { catalog: [product], now: NOW }).issues.map((i) => i.code);

describe('offsets: only real ones (−12:00 … +14:00, minutes below 60)', () => {
  it.each([
    ['+01:99', null],
    ['-99:00', null],
    ['+14:01', null],
    ['-12:30', null],
    ['+24:00', null],
    ['+14:00', 840],
    ['-12:00', -720],
    ['+05:45', 345],
    ['+0530', 330],
    ['Z', 0],
  ])('%s → %s minutes', (zone, minutes) => {
    expect(offsetMinutes(zone)).toBe(minutes);
  });

  it('an impossible offset makes the record invalid instead of moving it in time', () => {
    // -99:00 would move a time 4 days back into today's window.
    const fourDaysAgo = new Date(NOW - 4 * 24 * HOUR_MS).toISOString().slice(0, 16);
    expect(codes(`${fourDaysAgo}-99:00`)).toEqual(['timestamp-offset-invalid']);
    expect(codes('2026-07-15T11:00+01:99')).toEqual(['timestamp-offset-invalid']);
    expect(readUsageTime('2026-07-15T11:00+01:99')).toEqual({
      kind: 'bad-offset',
      offset: '+01:99',
    });
  });

  it('real offsets are converted to UTC', () => {
    const v = validateRecord(draft('2026-07-15T16:15+05:45'), { catalog: [product], now: NOW });
    expect(v.issues).toEqual([]);
    expect(v.record?.timestamp).toBe('2026-07-15T10:30:00.000Z');
  });
});

describe('no zone, or a date only: needs review, never read as UTC', () => {
  it('a time without a zone is an error and has no dedup key', () => {
    const v = validateRecord(draft('2026-07-15T11:00'), { catalog: [product], now: NOW });
    expect(v.issues.map((i) => [i.code, i.severity])).toEqual([['timestamp-no-zone', 'error']]);
    expect(v.key).toBeNull();
    expect(v.deadlineMs).toBeNull();
  });
  it('a date only is an error too', () => {
    expect(codes('2026-07-15')).toEqual(['timestamp-date-only']);
  });
});

describe('a file zone: UTC, an offset or a place', () => {
  it('accepts UTC, real offsets and known places only', () => {
    for (const zone of ['UTC', '+02:00', '-03:30', 'Europe/Berlin', 'America/New_York']) {
      expect(isFileZone(zone)).toBe(true);
    }
    for (const zone of ['+01:99', '-99:00', 'Mars/Olympus', '', 'utc+2', '../etc']) {
      expect(isFileZone(zone)).toBe(false);
    }
  });

  it('a place follows daylight saving time', () => {
    expect(zoneOffsetAt('Europe/Berlin', Date.UTC(2026, 6, 15))).toBe(120);
    expect(zoneOffsetAt('Europe/Berlin', Date.UTC(2026, 0, 15))).toBe(60);
  });

  it('wall times in a place: the usual, the skipped and the repeated hour', () => {
    const wall = (month: number, day: number, hour: number, minute = 0) => ({
      year: 2026,
      month,
      day,
      hour,
      minute,
      second: 0,
      millisecond: 0,
    });
    expect(resolveWallTime(wall(7, 15, 11), 'Europe/Berlin')).toEqual({
      kind: 'ok',
      ms: Date.UTC(2026, 6, 15, 9),
      offset: 120,
    });
    // 29 Mar 2026: Berlin's clocks jump from 02:00 to 03:00.
    expect(resolveWallTime(wall(3, 29, 2, 30), 'Europe/Berlin')).toEqual({ kind: 'gap' });
    // 25 Oct 2026: 02:30 happens twice (at +02:00, then at +01:00).
    expect(resolveWallTime(wall(10, 25, 2, 30), 'Europe/Berlin')).toEqual({
      kind: 'ambiguous',
      earlierMs: Date.UTC(2026, 9, 25, 0, 30),
      laterMs: Date.UTC(2026, 9, 25, 1, 30),
    });
    expect(isoWithOffset(wall(7, 15, 11), 120)).toBe('2026-07-15T11:00:00+02:00');
    expect(isoWithOffset(wall(7, 15, 11), 0)).toBe('2026-07-15T11:00:00Z');
  });
});
