/**
 * Presentation of statistics as the industry writes them: 亿元 / 万元 for money, 万台 for units, % and
 * percentage points for ratios, each to 2 decimals, rounded half-up. The API sends money as integer fen and
 * ratios as exact fractions written with at most 12 decimals, so rounding here works on those decimal digits
 * (BigInt), never on binary floating point: 0.565249999999 is 56.52 %, 0.565250000000 is 56.53 %.
 */
import type { Locale } from '../../../lib/i18n';
import { formatCny, formatWan, formatYi, FEN_PER_YI } from '../../../lib/money';

const PLACES_IN = 12;

/** `value` × 10^shift rounded half-up (ties away from zero) to `places` decimals, as a string. */
export function halfUp(value: number, places = 2, shift = 0): string {
  const negative = value < 0;
  const [int, frac = ''] = Math.abs(value).toFixed(PLACES_IN).split('.');
  const scaled = BigInt(int + frac.padEnd(PLACES_IN, '0')); // value × 10^12
  const drop = PLACES_IN - shift - places;
  let n: bigint;
  if (drop > 0) {
    const unit = 10n ** BigInt(drop);
    n = (scaled + unit / 2n) / unit;
  } else {
    n = scaled * 10n ** BigInt(-drop);
  }
  const digits = n.toString().padStart(places + 1, '0');
  const text = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return negative && n !== 0n ? `-${text}` : text;
}

export function percent(ratio: number | null): string {
  return ratio === null ? '—' : `${halfUp(ratio, 2, 2)}%`;
}

/** A growth rate with its sign: "+7.09%", "−3.10%"; "—" when there is no base (not available, never 0). */
export function growth(rate: number | null): string {
  if (rate === null) return '—';
  const text = halfUp(rate, 2, 2);
  return text.startsWith('-') ? `−${text.slice(1)}%` : `+${text}%`;
}

export function points(pp: number | null, locale: Locale): string {
  if (pp === null) return '—';
  const text = halfUp(pp, 2);
  const signed = text.startsWith('-') ? `−${text.slice(1)}` : `+${text}`;
  return locale === 'en' ? `${signed} pp` : `${signed}个百分点`;
}

/** Units: "70.25万台" in Chinese; "702,500" in English. */
export function units(n: number, locale: Locale): string {
  if (locale === 'en') return n.toLocaleString('en-US');
  return `${halfUp(n, 2, -4)}万台`;
}

/** A money total: 亿元 from one 亿 up, else 万元 (Chinese); CNY with m / bn in English. */
export function money(fen: number, locale: Locale): string {
  if (locale === 'en') return formatCny(fen, locale);
  return BigInt(fen) >= FEN_PER_YI ? formatYi(fen) : formatWan(fen);
}

/** An average price (a fraction of fen) in 万元: rounded to whole fen first, then to the unit. */
export function average(fen: number | null, locale: Locale): string {
  if (fen === null) return '—';
  return formatWan(BigInt(halfUp(fen, 0)), locale);
}

export type Trend = 'up' | 'down' | 'flat' | 'na';
export function trend(rate: number | null): Trend {
  if (rate === null) return 'na';
  const text = halfUp(rate, 4);
  if (/^-?0\.0000$/.test(text)) return 'flat';
  return text.startsWith('-') ? 'down' : 'up';
}
