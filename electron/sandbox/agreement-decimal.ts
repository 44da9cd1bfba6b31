// Exact decimal amounts for the sandbox's invoices and billing adjustments: strings on the wire,
// scaled bigints inside, never floating point. The sandbox keeps its own arithmetic (it imports
// nothing from the app) so a rounding mistake in the app cannot hide behind the same code here.

/** The wire pattern of an adjustment amount (AWS-FACTS §0.1): digits, up to 8 decimals. */
export const AMOUNT_PATTERN = /^[0-9]*(\.[0-9]{0,8})?$/;

/** Every amount is held with 8 decimals, the most the Agreement API accepts. */
const SCALE = 8;
const UNIT = 10n ** BigInt(SCALE);

/** A decimal string (e.g. "12.5", "0.0125") as a count of 1e-8 units; undefined if not decimal. */
export function parseAmount(text: string): bigint | undefined {
  const match = /^(-?)([0-9]*)(?:\.([0-9]*))?$/.exec(text);
  if (!match || text === '' || text === '.' || text === '-') return undefined;
  const [, sign = '', whole = '', fraction = ''] = match;
  if (whole === '' && fraction === '') return undefined;
  if (fraction.length > SCALE) return undefined;
  const units = BigInt(whole === '' ? '0' : whole) * UNIT + BigInt(fraction.padEnd(SCALE, '0'));
  return sign === '-' ? -units : units;
}

/** quantity × price, exact (a price may carry up to 8 decimals). */
export function times(quantity: number, price: bigint): bigint {
  return BigInt(quantity) * price;
}

/** Rounds half up (away from zero) to `digits` decimals, staying on the 1e-8 scale. */
export function roundTo(units: bigint, digits: number): bigint {
  const step = 10n ** BigInt(SCALE - digits);
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const rounded = ((magnitude + step / 2n) / step) * step;
  return negative ? -rounded : rounded;
}

/** Formats with exactly `digits` decimals (the value must already be rounded to them). */
export function formatAmount(units: bigint, digits: number): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const whole = magnitude / UNIT;
  const fraction = (magnitude % UNIT).toString().padStart(SCALE, '0').slice(0, digits);
  return `${negative ? '-' : ''}${whole.toString()}${digits > 0 ? `.${fraction}` : ''}`;
}

/** Minor-unit digits of the currencies the sandbox uses (ISO 4217). */
export function currencyDigits(currencyCode: string): number {
  return currencyCode === 'JPY' || currencyCode === 'KRW' ? 0 : 2;
}
