// Exact decimal money: amounts travel as decimal strings ("12.5", "0.0125") and are computed as
// scaled bigints, never as floating point, so units × price and sums of refunds are exact to the
// last digit. Rounding happens once, where money leaves the app, and says how.

/** Digits kept internally: enough for any rate-card price times any int32 quantity. */
const SCALE = 12;
const ONE = 10n ** BigInt(SCALE);

/** A decimal number at SCALE digits (1 = 1e-12). */
export type Decimal = bigint;

/** Plain decimal text: an optional minus, digits, an optional fraction. No exponent, no commas. */
export const DECIMAL_TEXT = /^-?(\d+(\.\d*)?|\.\d+)$/;

/** Parses plain decimal text; undefined when it is not one or has more than 12 decimals. */
export function parseDecimal(text: string): Decimal | undefined {
  const trimmed = text.trim();
  if (!DECIMAL_TEXT.test(trimmed)) return undefined;
  const negative = trimmed.startsWith('-');
  const body = negative ? trimmed.slice(1) : trimmed;
  const [whole = '', fraction = ''] = body.split('.');
  if (fraction.length > SCALE) return undefined;
  const value = BigInt(whole === '' ? '0' : whole) * ONE + BigInt(fraction.padEnd(SCALE, '0'));
  return negative ? -value : value;
}

export function decimalOfInteger(value: number): Decimal {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a safe integer`);
  return BigInt(value) * ONE;
}

/** quantity × price, exact. */
export function timesQuantity(quantity: number, price: Decimal): Decimal {
  if (!Number.isSafeInteger(quantity)) throw new RangeError(`${quantity} is not a safe integer`);
  return BigInt(quantity) * price;
}

export function sumDecimals(values: Iterable<Decimal>): Decimal {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}

export const minDecimal = (a: Decimal, b: Decimal): Decimal => (a < b ? a : b);

/** Rounds half up (away from zero) to `digits` decimals. */
export function roundHalfUp(value: Decimal, digits: number): Decimal {
  const step = 10n ** BigInt(SCALE - digits);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const rounded = ((magnitude + step / 2n) / step) * step;
  return negative ? -rounded : rounded;
}

/** Exact text with at least `minDigits` decimals and no trailing zeros beyond them. */
export function formatDecimal(value: Decimal, minDigits = 0): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const whole = (magnitude / ONE).toString();
  let fraction = (magnitude % ONE).toString().padStart(SCALE, '0').replace(/0+$/, '');
  if (fraction.length < minDigits) fraction = fraction.padEnd(minDigits, '0');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/** How many decimals a value needs to be written exactly. */
export function decimalDigits(value: Decimal): number {
  const fraction = ((value < 0n ? -value : value) % ONE)
    .toString()
    .padStart(SCALE, '0')
    .replace(/0+$/, '');
  return fraction.length;
}

/** ISO 4217 minor-unit digits for the currencies that are not 2. */
const ZERO_DIGIT_CURRENCIES = new Set(['JPY', 'KRW', 'CLP', 'ISK', 'VND', 'UGX', 'XAF', 'XOF']);
const THREE_DIGIT_CURRENCIES = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND', 'IQD', 'LYD']);

export function currencyMinorDigits(currencyCode: string): number {
  if (ZERO_DIGIT_CURRENCIES.has(currencyCode)) return 0;
  if (THREE_DIGIT_CURRENCIES.has(currencyCode)) return 3;
  return 2;
}

/** Money in a currency: exact, with at least the currency's minor digits ("12.50", "0.0375"). */
export function formatMoney(value: Decimal, currencyCode: string): string {
  return formatDecimal(value, currencyMinorDigits(currencyCode));
}

/** Rounded half up to the currency's minor unit, e.g. what a refund of `value` asks for. */
export function roundToCurrency(value: Decimal, currencyCode: string): Decimal {
  return roundHalfUp(value, currencyMinorDigits(currencyCode));
}
