// How a case's money reads: over- and under-billing apart, every digit kept, the tables' sign.
import { describe, expect, it } from 'vitest';
import type { CaseHour } from '../../../../shared/channels/corrections';
import { differenceText, formatDecimalText } from './format';

function hour(differenceUnits: number | null, differenceAmount: string | null): CaseHour {
  return {
    hour: '2026-10-14T05:00:00.000Z',
    sent: null,
    billedCloudTrail: null,
    billed: 0,
    topUp: 0,
    billedFrom: 'none',
    meteringRecordIds: [],
    eventIds: [],
    invoice: null,
    correct: differenceUnits === null ? null : 0,
    differenceUnits,
    differenceAmount,
    windowOpen: false,
  };
}

describe('differenceText', () => {
  it('keeps over- and under-billing apart instead of netting them', () => {
    const text = differenceText(
      [
        hour(-40, '-16.00'),
        hour(-2, '-0.025'),
        hour(40, '16.00'),
        hour(0, '0.00'),
        hour(null, null),
      ],
      'USD',
    );
    expect(text).toBe('42 units over-billed (16.025 USD); 40 units under-billed (16.00 USD)');
  });

  it('says when nothing is entered, and when nothing differs', () => {
    expect(differenceText([hour(null, null)], 'USD')).toBe('not entered yet');
    expect(differenceText([hour(0, '0.00')], 'USD')).toMatch(/^none/);
  });
});

describe('formatDecimalText', () => {
  it('groups thousands and keeps every decimal digit', () => {
    expect(formatDecimalText('-1234567.0125')).toBe('-1,234,567.0125');
  });
});
