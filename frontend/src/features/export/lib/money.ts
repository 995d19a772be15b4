/**
 * Money of an export order: amounts arrive as integer minor units of the order's currency (cents of USD, yen of
 * JPY). The order fixes its exchange rate once (CNY per one unit of the currency, as a decimal string) so the CNY
 * equivalent never moves with the market. No float enters the arithmetic: minor units and the rate are turned
 * into BigInt, and rounding is half-up on the magnitude, as lib/money.ts does for fen.
 */
import { formatCny } from '../../../lib/money';
import type { Locale } from '../../../lib/i18n';

/** ISO 4217 minor-unit digits for the currencies an order may be priced in; 2 when not listed. */
const MINOR_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, KWD: 3, BHD: 3, OMR: 3, JOD: 3 };

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency.toUpperCase()] ?? 2;
}

function toBig(minor: number | bigint): bigint {
  if (typeof minor === 'bigint') return minor;
  if (!Number.isSafeInteger(minor)) throw new RangeError(`money: expected integer minor units, got ${String(minor)}`);
  return BigInt(minor);
}

/** 123456n with 2 digits → "1234.56"; -5n → "-0.05". */
export function minorToDecimal(minor: number | bigint, digits: number): string {
  const v = toBig(minor);
  const a = v < 0n ? -v : v;
  const s = a.toString().padStart(digits + 1, '0');
  const int = digits ? s.slice(0, -digits) : s;
  const frac = digits ? `.${s.slice(-digits)}` : '';
  return `${v < 0n ? '-' : ''}${int}${frac}`;
}

/**
 * "USD 12,345.60" / "US$12,345.60" as the locale writes it, exact: Intl formats the decimal string (ES2023's
 * string operand), never a float.
 */
export function formatMinor(minor: number | bigint, currency: string, locale: Locale): string {
  const digits = minorDigits(currency);
  const nf = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    currencyDisplay: 'code',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // A decimal string keeps every digit (Intl.NumberFormat v3); the cast is for lib.es2022's narrower signature.
  return nf.format(minorToDecimal(minor, digits) as unknown as number).replace(/\u00a0/g, ' ');
}

/** "7.1234" → { scaled: 71234n, scale: 4 }; refuses anything that is not a plain positive decimal. */
export function parseRate(rate: string): { scaled: bigint; scale: number } {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(rate);
  if (!m) throw new RangeError(`money: not a rate: ${rate}`);
  const frac = m[2] ?? '';
  return { scaled: BigInt(m[1]! + frac), scale: frac.length };
}

/** The order's amount in fen at its fixed rate, rounded half-up on the magnitude. */
export function minorToFen(minor: number | bigint, currency: string, rate: string): bigint {
  const v = toBig(minor);
  const a = v < 0n ? -v : v;
  const { scaled, scale } = parseRate(rate);
  // fen = minor × rate × 100 / 10^digits; the rate carries `scale` decimals.
  const num = a * scaled * 100n;
  const den = 10n ** BigInt(minorDigits(currency) + scale);
  let q = num / den;
  if ((num % den) * 2n >= den) q += 1n;
  return v < 0n ? -q : q;
}

/** The CNY equivalent as the rest of the app writes it (万元 in Chinese). A CNY order needs none: null. */
export function cnyEquivalent(minor: number | bigint, currency: string, rate: string, locale: Locale): string | null {
  if (currency.toUpperCase() === 'CNY') return null;
  return formatCny(minorToFen(minor, currency, rate), locale);
}
