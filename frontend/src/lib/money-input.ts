/**
 * Amounts a person types → integer fen for the API, and back. The unit of each kind of amount is chosen
 * once (docs/ui.md): car prices — asking prices, offers, counters, price filters, reserves, bids and lot
 * prices — are typed in 万元, the unit the trade quotes them in; ladders, deposits, premiums and fees in 元.
 * The field's label names the unit and the other unit is echoed beside it as it is typed (moneyEcho).
 *
 * Only digit strings are parsed; the arithmetic multiplies integers well inside 2^53, so no float ever
 * rounds an amount. A Chinese IME's full-width digits, point and comma are accepted, as are thousands
 * separators in a well-formed group ("128,000").
 */
import type { Locale } from './i18n';
import { formatExact, formatWan } from './money';

export type MoneyUnit = 'wan' | 'yuan';

const FEN_PER_UNIT: Record<MoneyUnit, number> = { wan: 1_000_000, yuan: 100 };
/** Decimals that stay exact to the fen would be 6 for 万元; 4 (to the yuan) is what a price needs. */
const MAX_DECIMALS: Record<MoneyUnit, number> = { wan: 4, yuan: 2 };
/** 999,999.9999 万元 or 9,999,999,999.99 元: about 100 亿元, far below 2^53 fen. */
const MAX_WHOLE_DIGITS: Record<MoneyUnit, number> = { wan: 6, yuan: 10 };

/** Full-width digits, point and comma (from a Chinese IME) → ASCII. */
function normalise(text: string): string {
  return text
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/[．。]/g, '.')
    .replace(/[，]/g, ',')
    .trim();
}

export interface ParseOptions {
  /** Zero is an amount (e.g. no deposit); otherwise only positive amounts parse. */
  allowZero?: boolean;
}

/** "12.8" in 万元 → 12_800_000 fen; undefined when the text is not an amount in that unit. */
export function parseMoney(text: string, unit: MoneyUnit, options: ParseOptions = {}): number | undefined {
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(normalise(text));
  if (!m) return undefined;
  const whole = m[1]!.replace(/,/g, '');
  const frac = m[2] ?? '';
  if (whole.length > MAX_WHOLE_DIGITS[unit] || frac.length > MAX_DECIMALS[unit]) return undefined;
  const perUnit = FEN_PER_UNIT[unit];
  const fracFen = frac ? Number(frac.padEnd(MAX_DECIMALS[unit], '0')) * (perUnit / 10 ** MAX_DECIMALS[unit]) : 0;
  const fen = Number(whole) * perUnit + fracFen;
  if (fen === 0) return options.allowZero ? 0 : undefined;
  return fen;
}

/** Integer fen → what the input shows in that unit, exact and without trailing zeros ("12.8", "1000.5"). */
export function fenToInput(fen: number | undefined | null, unit: MoneyUnit): string {
  if (fen === undefined || fen === null) return '';
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`money: not an amount of fen: ${String(fen)}`);
  const perUnit = FEN_PER_UNIT[unit];
  const whole = Math.floor(fen / perUnit);
  const rest = fen % perUnit;
  if (rest === 0) return String(whole);
  // perUnit is a power of ten: the remainder's digits are the decimals, exact to the fen.
  const digits = String(rest).padStart(String(perUnit).length - 1, '0').replace(/0+$/, '');
  return `${whole}.${digits}`;
}

/**
 * The other unit, shown beside the input as it is typed: a 万元 amount in exact yuan ("= ¥128,456"),
 * a 元 amount in 万元 ("= 12.85万元", "= 0.50万元"; English has no 万, so it shows the grouped yuan). Null while the
 * text is empty or not an amount.
 */
export function moneyEcho(text: string, unit: MoneyUnit, locale: Locale, options: ParseOptions = {}): string | null {
  const fen = parseMoney(text, unit, options);
  if (fen === undefined) return null;
  return unit === 'wan' || locale === 'en' ? `= ${formatExact(fen, locale)}` : `= ${formatWan(fen, locale)}`;
}
