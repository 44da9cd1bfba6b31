// What should have been billed, pasted or from a CSV: hours and quantities, never a silently
// changed number, every issue on the text's own line.
import { describe, expect, it } from 'vitest';
import { parsePeriod } from './period';
import { parseUsageText } from './usage-input';

const now = Date.parse('2026-11-17T12:20:00Z');
const period = parsePeriod({ from: '2026-11-17T03:00Z', to: '2026-11-17T06:00Z' }, now);

describe('correct usage from text', () => {
  it('reads a CSV with a header, tab-pasted lines and space-separated lines alike', () => {
    const csv = parseUsageText(
      'hour,quantity\n2026-11-17T03:00Z,40\n2026-11-17T04:00:00Z,0\n',
      period,
    );
    expect(csv).toEqual({
      lines: [
        { hour: '2026-11-17T03:00:00.000Z', quantity: 40 },
        { hour: '2026-11-17T04:00:00.000Z', quantity: 0 },
      ],
      issues: [],
    });
    const pasted = parseUsageText('2026-11-17 05:00 UTC\t7\r\n', period);
    expect(pasted.lines).toEqual([{ hour: '2026-11-17T05:00:00.000Z', quantity: 7 }]);
    const spaced = parseUsageText('2026-11-17T05:30+01:00 12', period);
    expect(spaced.lines).toEqual([{ hour: '2026-11-17T04:00:00.000Z', quantity: 12 }]);
  });

  it('never guesses: no zone, thousands separators, decimals, negatives and repeats are issues', () => {
    const text = [
      '2026-11-17T03:00,5',
      '2026-11-17T03:00Z,"1,234"',
      '2026-11-17T04:00Z,2.5',
      '2026-11-17T04:00Z,-3',
      '2026-11-17T05:00Z,1',
      '2026-11-17T05:00Z,2',
      '2026-11-17T09:00Z,2',
      '2026-11-17T03:00Z,1,2',
    ].join('\n');
    const { lines, issues } = parseUsageText(text, period);
    expect(lines).toEqual([{ hour: '2026-11-17T05:00:00.000Z', quantity: 1 }]);
    expect(issues.map((i) => i.line)).toEqual([1, 2, 3, 4, 6, 7, 8]);
    expect(issues[0]?.message).toMatch(/no time zone/);
    expect(issues[1]?.message).toMatch(/thousands separators/);
    expect(issues[4]?.message).toMatch(/already given on line 5/);
    expect(issues[5]?.message).toMatch(/outside the case/);
    expect(issues[6]?.message).toMatch(/3 cells/);
  });
});

describe('the case period', () => {
  it('takes whole days with the last day included, and refuses the future', () => {
    const days = parsePeriod({ from: '2026-11-15', to: '2026-11-16' }, now);
    expect(days.to - days.from).toBe(48 * 3_600_000);
    expect(() => parsePeriod({ from: '2026-11-17', to: '2026-11-17' }, now)).toThrow(/future/);
    expect(() => parsePeriod({ from: '2026-11-17T03:30Z', to: '2026-11-17T05:00Z' }, now)).toThrow(
      /not on the hour/,
    );
    expect(() => parsePeriod({ from: '2026-02-30', to: '2026-03-01' }, now)).toThrow(/real date/);
  });
});
