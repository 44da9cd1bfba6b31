// How the Corrections screen writes money, hours and states. Money arrives as exact decimal
// text and is shown with the reader's digit grouping and decimal mark, never through a float.
import { formatMonthYear, formatNumber, numberSeparators } from '../../locale';
import type { CaseHour, CaseState } from '../../../../shared/channels/corrections';
import { formatMoney, parseDecimal, sumDecimals } from '../../../../shared/decimal';

function separators(): { group: string; decimal: string } {
  return numberSeparators();
}

/** The sign the tables put before a negative number, so money and units read alike. */
function minusSign(): string {
  const text = formatNumber(-1);
  const at = text.indexOf('1');
  return at > 0 ? text.slice(0, at) : '-';
}

/** "-1234.5" → "-1,234.5" (every digit kept). */
export function formatDecimalText(value: string): string {
  const { group, decimal } = separators();
  const negative = value.startsWith('-');
  const [whole = '0', fraction] = (negative ? value.slice(1) : value).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${negative ? minusSign() : ''}${grouped}${fraction === undefined ? '' : `${decimal}${fraction}`}`;
}

export function formatMoneyText(value: string, currencyCode: string): string {
  return `${formatDecimalText(value)} ${currencyCode}`;
}

export function formatUnits(value: number): string {
  return formatDecimalText(String(value));
}

/** "2026-11-17T03:00:00.000Z" → "2026-11-17 03:00 UTC". */
export function formatHour(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export const stateLabels: Record<CaseState, string> = {
  open: 'Open',
  'waiting-for-invoice': 'Waiting for invoice',
  sent: 'Sent',
  completed: 'Completed',
  failed: 'Failed',
};

export function monthName(period: { year: number; month: number }): string {
  return formatMonthYear(period.year, period.month);
}

/**
 * The case's differences in words, over- and under-billing apart (a net figure would let 40
 * units over-billed hide 40 under-billed), e.g. "40 units over-billed (16.00 USD)".
 */
export function differenceText(hours: readonly CaseHour[], currencyCode: string): string {
  const side = (over: boolean): string | null => {
    const rows = hours.filter(
      (h) => h.differenceUnits !== null && (over ? h.differenceUnits < 0 : h.differenceUnits > 0),
    );
    if (rows.length === 0) return null;
    const units = rows.reduce((s, h) => s + Math.abs(h.differenceUnits ?? 0), 0);
    const amount = sumDecimals(rows.map((h) => parseDecimal(h.differenceAmount ?? '0') ?? 0n));
    const money = formatMoney(amount < 0n ? -amount : amount, currencyCode);
    return `${formatUnits(units)} units ${over ? 'over' : 'under'}-billed (${formatMoneyText(money, currencyCode)})`;
  };
  if (hours.every((h) => h.differenceUnits === null)) return 'not entered yet';
  const parts = [side(true), side(false)].filter((p): p is string => p !== null);
  return parts.length === 0 ? 'none: what was billed is what should have been' : parts.join('; ');
}
