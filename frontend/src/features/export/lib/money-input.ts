import { minorDigits } from './money';

/**
 * "12,345.6" typed in the order's currency → 1234560 minor units; null when it is not a plain non-negative amount
 * or has more decimals than the currency has (a yen amount has none). No float is involved.
 */
export function parseOrderMoney(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const m = /^\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?\s*$/.exec(text);
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > digits) return null;
  const value = BigInt(m[1]!.replace(/,/g, '') + frac.padEnd(digits, '0'));
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null;
}
