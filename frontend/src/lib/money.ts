/**
 * Money formatting for amounts that arrive from the API as integer fen
 * (1 元 = 100 fen). Floats never enter the arithmetic: every amount is turned
 * into a BigInt first and all rounding is done with integer division, so the
 * output is exact for any amount (including ones beyond 2^53 if the caller
 * passes a bigint).
 *
 * Rounding rule: round half-up on the magnitude (i.e. ties away from zero),
 * to 2 decimals of the display unit. The sign is applied afterwards, and an
 * amount that rounds to zero is shown without a minus sign.
 *
 * Conventions used by `formatCny` (the "pick the right unit" helper):
 *
 *   zh-CN (industry convention):
 *     |amount| < 1万元           → full yuan      "¥9,999.99"
 *     |amount| < 1亿元           → 万元, 2 dp      "4.53万元"
 *     otherwise                  → 亿元, 2 dp      "318.03亿元"
 *   en:
 *     |amount| < 1 million yuan  → full yuan      "CNY 45,271.50"
 *     |amount| < 1 billion yuan  → millions, 2 dp "CNY 1.23 m"
 *     otherwise                  → billions, 2 dp "CNY 3.18 bn"
 *
 * The unit is chosen on the *rounded* value, so an amount a hair under a
 * threshold that would round up to it is promoted to the next unit:
 * 99,999,999 元 shows as "1.00亿元", never "10,000.00万元".
 */
import type { Locale } from './i18n';

/** Integer amount of fen, as a JS number (must be a safe integer) or a bigint. */
export type Fen = number | bigint;

const FEN_PER_YUAN = 100n;
/** 1万元 = 10,000 元 = 1,000,000 fen. */
export const FEN_PER_WAN = 1_000_000n;
/** 1亿元 = 100,000,000 元 = 10,000,000,000 fen. */
export const FEN_PER_YI = 10_000_000_000n;
/** One million yuan. */
const FEN_PER_MILLION = 100_000_000n;
/** One billion yuan. */
const FEN_PER_BILLION = 100_000_000_000n;

/** Converts the input to bigint; rejects anything that is not an integer. */
export function toFen(fen: Fen): bigint {
  if (typeof fen === 'bigint') return fen;
  if (typeof fen !== 'number' || !Number.isSafeInteger(fen)) {
    throw new RangeError(`money: expected an integer amount of fen, got ${String(fen)}`);
  }
  return BigInt(fen);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** "1234567" → "1,234,567" (non-negative integers only). */
function groupDigits(n: bigint): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function pad2(n: bigint): string {
  return n.toString().padStart(2, '0');
}

/**
 * Rounds `absFen / unitFen` to hundredths of the unit, half-up, using integer
 * arithmetic only. `absFen` must be ≥ 0 and `unitFen` a multiple of 100.
 * Returns the number of hundredths (e.g. 453n for 4.53 units).
 */
export function roundToHundredths(absFen: bigint, unitFen: bigint): bigint {
  const step = unitFen / 100n; // fen per 0.01 unit
  const q = absFen / step;
  const r = absFen % step;
  return r * 2n >= step ? q + 1n : q;
}

/** 453n → "4.53"; 100000000n → "1,000,000.00". */
function fixed2(hundredths: bigint): string {
  return `${groupDigits(hundredths / 100n)}.${pad2(hundredths % 100n)}`;
}

/** Sign prefix for a value whose displayed magnitude is `shown`. */
function sign(value: bigint, shown: bigint): string {
  return value < 0n && shown > 0n ? '-' : '';
}

/** Full yuan with thousands separators, decimals only when not whole: "45,271" / "45,271.50". */
function yuanDigits(absFen: bigint): string {
  const yuan = absFen / FEN_PER_YUAN;
  const cents = absFen % FEN_PER_YUAN;
  return cents === 0n ? groupDigits(yuan) : `${groupDigits(yuan)}.${pad2(cents)}`;
}

/**
 * Exact amount in yuan: "¥45,271" / "¥45,271.50" / "-¥3.05".
 * The same symbol is used in both locales (the locale parameter is accepted
 * for symmetry with the other helpers).
 */
export function formatYuan(fen: Fen, _locale: Locale = 'zh-CN'): string {
  const v = toFen(fen);
  const a = abs(v);
  return `${sign(v, a)}¥${yuanDigits(a)}`;
}

/** English full-yuan form: "CNY 45,271" / "CNY -45,271.50". */
function formatCnyFull(v: bigint): string {
  const a = abs(v);
  return `CNY ${sign(v, a)}${yuanDigits(a)}`;
}

/**
 * Amount in 万元 with 2 decimals (zh-CN): "4.53万元".
 * English has no 万 unit, so it shows the exact yuan amount: "CNY 45,271".
 */
export function formatWan(fen: Fen, locale: Locale = 'zh-CN'): string {
  const v = toFen(fen);
  if (locale === 'en') return formatCnyFull(v);
  const h = roundToHundredths(abs(v), FEN_PER_WAN);
  return `${sign(v, h)}${fixed2(h)}万元`;
}

/** Amount in 亿元 with 2 decimals: "318.03亿元". */
export function formatYi(fen: Fen): string {
  const v = toFen(fen);
  const h = roundToHundredths(abs(v), FEN_PER_YI);
  return `${sign(v, h)}${fixed2(h)}亿元`;
}

/** Picks the conventional unit for the locale; see the module comment. */
export function formatCny(fen: Fen, locale: Locale = 'zh-CN'): string {
  const v = toFen(fen);
  const a = abs(v);
  if (locale === 'en') {
    if (a < FEN_PER_MILLION) return formatCnyFull(v);
    const m = roundToHundredths(a, FEN_PER_MILLION);
    if (m < 100_000n) return `CNY ${sign(v, m)}${fixed2(m)} m`;
    const bn = roundToHundredths(a, FEN_PER_BILLION);
    return `CNY ${sign(v, bn)}${fixed2(bn)} bn`;
  }
  if (a < FEN_PER_WAN) return formatYuan(v, locale);
  const wan = roundToHundredths(a, FEN_PER_WAN);
  if (wan < 1_000_000n) return `${sign(v, wan)}${fixed2(wan)}万元`; // < 10,000.00万元
  return formatYi(v);
}

// ---------------------------------------------------------------------------
// The one money convention of the trading screens (docs/ui.md):
//
//   display  zh-CN: 万元 with 2 decimals ("12.80万元"); under 1万元 exact yuan ("¥8,500").
//            en:    exact yuan, "CNY 128,000" (English readers have no 万; a rounded
//                   "CNY 0.13 m" hides the figure a dealer bargains over).
//   exact    where the yuan matters (an offer, a bid, an amount due): formatMoneyExact adds the
//            exact yuan beside the 万元 figure when the two decimals do not already say it.
//   inputs   see lib/money-input.ts: car prices typed in 万元, fees and deposits in 元, the unit
//            in the label and the other unit echoed beside as it is typed.
//
// formatCny (m / bn in English, 亿元 in Chinese) stays for aggregates such as turnover.

/** The display rule for an amount a person reads: "12.80万元" / "¥8,500" / "CNY 128,000". */
export function formatMoney(fen: Fen, locale: Locale): string {
  const v = toFen(fen);
  if (locale === 'en') return formatCnyFull(v);
  return abs(v) < FEN_PER_WAN ? formatYuan(v) : formatWan(v, locale);
}

/** Exact yuan in the locale's form: "¥128,456" / "CNY 128,456". */
export function formatExact(fen: Fen, locale: Locale): string {
  const v = toFen(fen);
  return locale === 'en' ? formatCnyFull(v) : formatYuan(v);
}

/**
 * An amount where the yuan matters: "12.85万元（¥128,456）" when the 万元 figure is rounded,
 * "12.80万元" when it is already exact. English is always exact ("CNY 128,456").
 */
export function formatMoneyExact(fen: Fen, locale: Locale): string {
  const v = toFen(fen);
  const shown = formatMoney(v, locale);
  if (locale === 'en' || abs(v) < FEN_PER_WAN) return shown;
  // 0.01万元 = 100 元 = 10,000 fen: anything finer is lost by the two decimals.
  return abs(v) % 10_000n === 0n ? shown : `${shown}（${formatYuan(v)}）`;
}
