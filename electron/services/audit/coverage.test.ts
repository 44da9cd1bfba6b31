import { describe, expect, it } from 'vitest';
import { CLOUDTRAIL_RETENTION_MS, DAY_MS } from '../../../shared/audit';
import { addInterval, completeness, dayState, gaps, type Interval } from './coverage';

describe('intervals', () => {
  it('merges overlapping and touching intervals and keeps them sorted', () => {
    let list: Interval[] = [];
    list = addInterval(list, [10, 20]);
    list = addInterval(list, [30, 40]);
    list = addInterval(list, [0, 5]);
    expect(list).toEqual([
      [0, 5],
      [10, 20],
      [30, 40],
    ]);
    expect(addInterval(list, [20, 30])).toEqual([
      [0, 5],
      [10, 40],
    ]);
    expect(addInterval(list, [3, 35])).toEqual([[0, 40]]);
    expect(addInterval(list, [7, 7])).toEqual(list);
  });

  it('finds the gaps in a range', () => {
    const list: Interval[] = [
      [10, 20],
      [30, 40],
    ];
    expect(gaps([0, 50], list)).toEqual([
      [0, 10],
      [20, 30],
      [40, 50],
    ]);
    expect(gaps([12, 35], list)).toEqual([[20, 30]]);
    expect(gaps([10, 20], list)).toEqual([]);
    expect(gaps([0, 50], [])).toEqual([[0, 50]]);
  });
});

describe('day completeness', () => {
  const now = Date.UTC(2026, 7, 1, 12);
  const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

  it('complete, partial, missing within CloudTrail’s window', () => {
    const coverage: Interval[] = [[day('2026-07-20'), day('2026-07-22') + 6 * 3600_000]];
    expect(dayState(day('2026-07-20'), coverage, now)).toBe('complete');
    expect(dayState(day('2026-07-21'), coverage, now)).toBe('complete');
    expect(dayState(day('2026-07-22'), coverage, now)).toBe('partial');
    expect(dayState(day('2026-07-23'), coverage, now)).toBe('missing');
  });

  it('cache-only once a fully covered day is past 90 days; partial stays partial', () => {
    const old = Math.floor((now - CLOUDTRAIL_RETENTION_MS) / DAY_MS) * DAY_MS - 2 * DAY_MS;
    const coverage: Interval[] = [[old, old + DAY_MS + 3600_000]];
    expect(dayState(old, coverage, now)).toBe('cache-only');
    expect(dayState(old + DAY_MS, coverage, now)).toBe('partial');
    expect(dayState(old - DAY_MS, coverage, now)).toBe('missing');
  });

  it('lists every day of a range with account and region', () => {
    const list = completeness({
      accountId: '1',
      region: 'us-east-1',
      coverage: [[day('2026-07-01'), day('2026-07-02')]],
      now,
      from: day('2026-07-01') + 5,
      to: day('2026-07-03') + 5,
    });
    expect(list).toEqual([
      { accountId: '1', region: 'us-east-1', day: '2026-07-01', state: 'complete' },
      { accountId: '1', region: 'us-east-1', day: '2026-07-02', state: 'missing' },
      { accountId: '1', region: 'us-east-1', day: '2026-07-03', state: 'missing' },
    ]);
  });
});
