// Exact money: parsing, units × price, rounding half up to the currency's minor unit.
import { describe, expect, it } from 'vitest';
import {
  formatDecimal,
  formatMoney,
  parseDecimal,
  roundToCurrency,
  sumDecimals,
  timesQuantity,
} from './decimal';

const d = (text: string): bigint => {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(`not a decimal: ${text}`);
  return value;
};

describe('decimal money', () => {
  it('multiplies units by a price exactly, where floating point would not', () => {
    expect(0.1 * 3).not.toBe(0.3);
    expect(formatDecimal(timesQuantity(3, d('0.1')))).toBe('0.3');
    expect(formatDecimal(timesQuantity(82, d('0.0125')))).toBe('1.025');
    expect(formatDecimal(timesQuantity(2_147_483_647, d('0.000000000001')))).toBe('0.002147483647');
  });

  it('rounds half up to the currency’s minor unit', () => {
    expect(formatMoney(roundToCurrency(d('1.025'), 'USD'), 'USD')).toBe('1.03');
    expect(formatMoney(roundToCurrency(d('1.0249'), 'USD'), 'USD')).toBe('1.02');
    expect(formatMoney(roundToCurrency(d('12.5'), 'JPY'), 'JPY')).toBe('13');
    expect(formatMoney(roundToCurrency(d('0.0005'), 'KWD'), 'KWD')).toBe('0.001');
    expect(formatMoney(roundToCurrency(d('-1.025'), 'USD'), 'USD')).toBe('-1.03');
  });

  it('writes money with at least the minor digits and never drops a digit', () => {
    expect(formatMoney(d('1'), 'USD')).toBe('1.00');
    expect(formatMoney(d('0.0375'), 'USD')).toBe('0.0375');
    expect(formatMoney(sumDecimals([d('-0.5'), d('-0.525')]), 'USD')).toBe('-1.025');
  });

  it('refuses text that is not a plain decimal', () => {
    for (const text of ['1,00', '1e3', '', '.', '-', '12.3.4', '1.0000000000001', 'NaN']) {
      expect(parseDecimal(text)).toBeUndefined();
    }
    expect(parseDecimal('.5')).toBe(d('0.5'));
  });
});
