// The explorer's UTC period box: a prefix of an ISO time, and only real calendar values.
import { describe, expect, it } from 'vitest';
import { parsePeriod, parseQuantity, toAuditFilter, emptyFilters } from './filters';

const utc = (iso: string) => Date.parse(iso);

describe('parsePeriod', () => {
  it('reads a year, a month, a day and an hour as [start, end)', () => {
    expect(parsePeriod('2026')).toEqual({
      from: utc('2026-01-01T00:00:00Z'),
      to: utc('2027-01-01T00:00:00Z'),
    });
    expect(parsePeriod('2026-02')).toEqual({
      from: utc('2026-02-01T00:00:00Z'),
      to: utc('2026-03-01T00:00:00Z'),
    });
    expect(parsePeriod('2028-02-29')).toEqual({
      from: utc('2028-02-29T00:00:00Z'),
      to: utc('2028-03-01T00:00:00Z'),
    });
    expect(parsePeriod(' 2026-07-01T14 ')).toEqual({
      from: utc('2026-07-01T14:00:00Z'),
      to: utc('2026-07-01T15:00:00Z'),
    });
    expect(parsePeriod('2026-07-01 23')).toEqual({
      from: utc('2026-07-01T23:00:00Z'),
      to: utc('2026-07-02T00:00:00Z'),
    });
  });

  it('refuses days and hours that do not exist instead of rolling them over', () => {
    expect(parsePeriod('2026-02-31')).toBeNull();
    expect(parsePeriod('2026-02-29')).toBeNull();
    expect(parsePeriod('2026-07-00')).toBeNull();
    expect(parsePeriod('2026-04-31')).toBeNull();
    expect(parsePeriod('2026-07-01T24')).toBeNull();
    expect(parsePeriod('2026-07-01T99')).toBeNull();
    expect(parsePeriod('2026-13')).toBeNull();
    expect(parsePeriod('2026-00')).toBeNull();
  });

  it('refuses what is not a period', () => {
    for (const text of ['', 'T99', 'july', '2026-7', '2026-07-1', '26-07', '2026-07-01T1']) {
      expect(parsePeriod(text), text).toBeNull();
    }
  });
});

describe('parseQuantity', () => {
  it('reads comparisons and plain numbers', () => {
    expect(parseQuantity('> 100')).toEqual({ min: 101 });
    expect(parseQuantity('>=5')).toEqual({ min: 5 });
    expect(parseQuantity('< 10')).toEqual({ max: 9 });
    expect(parseQuantity('<=10')).toEqual({ max: 10 });
    expect(parseQuantity('= 7')).toEqual({ min: 7, max: 7 });
    expect(parseQuantity('7')).toEqual({ min: 7, max: 7 });
    expect(parseQuantity('1,234')).toBeNull();
    expect(parseQuantity('-3')).toBeNull();
  });
});

describe('toAuditFilter', () => {
  it('marks an impossible period as invalid instead of querying a rolled-over date', () => {
    const { invalid } = toAuditFilter({ ...emptyFilters, columns: { usageHour: '2026-02-31' } });
    expect(invalid).toEqual(['usageHour']);
  });
});
