/**
 * The session form's terms: what a person types (元, percentages, minutes) → the API's terms (integer fen,
 * basis points, seconds), with the same rules the server applies (src/auctions/engine/increments.py,
 * schemas.py). Errors are message keys (plus parameters) keyed like the server's validation `loc`
 * without "body": `terms.ladder.1.step`, so client and server errors land on the same input.
 */

/** Amount typed in 元 → integer fen; zero allowed when `allowZero`. Null when not a valid amount. */
export function parseYuan(input: string, { allowZero = false } = {}): number | null {
  const clean = input.replace(/[,\s，]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
  const [whole, frac = ''] = clean.split('.');
  const fen = Number(whole) * 100 + Number((frac + '00').slice(0, 2));
  if (!Number.isSafeInteger(fen) || fen > MAX_FEN) return null;
  return fen > 0 || (allowZero && fen === 0) ? fen : null;
}

/** A percentage typed by a person ("5", "2.5", "0.25") → basis points (500, 250, 25); null when not 0–100 %. */
export function parsePercent(input: string): number | null {
  const clean = input.replace(/[\s%％]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
  const [whole, frac = ''] = clean.split('.');
  const bp = Number(whole) * 100 + Number((frac + '00').slice(0, 2));
  return bp <= 10_000 ? bp : null;
}

/** Integer fen → the plain 元 string an input shows ("1000", "12.5"). */
export function fenToInput(fen: number): string {
  const yuan = Math.floor(fen / 100);
  const cents = fen % 100;
  return cents === 0 ? String(yuan) : `${yuan}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
}

const MAX_FEN = 10 ** 13;

export interface LadderRow {
  start: string; // 元
  step: string; // 元
}

export interface PremiumRow {
  start: string; // 元
  percent: string; // %
  fixed: string; // 元, may be empty
}

export interface TermsForm {
  ladder: LadderRow[];
  premium: PremiumRow[];
  deposit: string;
  buyingLimit: string;
  softCloseSeconds: string;
  extensionCapSeconds: string; // empty: no cap
  lotDurationMinutes: string;
  staggerSeconds: string;
  conditionalWindowMinutes: string;
  liveCountdownSeconds: string;
  allowIndividuals: boolean;
}

export interface TermsOut {
  ladder: { start: number; step: number }[];
  premium: { start: number; percent_bp: number; fixed: number }[];
  deposit: number;
  buying_limit: number;
  soft_close_seconds: number;
  extension_cap_seconds: number | null;
  lot_duration_seconds: number;
  stagger_seconds: number;
  conditional_window_seconds: number;
  live_countdown_seconds: number;
  allow_individuals: boolean;
}

/** A client-side error: a message key of the auctions feature and its parameters. */
export interface Problem {
  key: string;
  params?: Record<string, string | number>;
}

export type Problems = Record<string, Problem>;

export const defaultTerms: TermsForm = {
  ladder: [
    { start: '0', step: '100' },
    { start: '10000', step: '500' },
    { start: '100000', step: '1000' },
  ],
  premium: [{ start: '0', percent: '5', fixed: '' }],
  deposit: '5000',
  buyingLimit: '1000000',
  softCloseSeconds: '120',
  extensionCapSeconds: '',
  lotDurationMinutes: '10',
  staggerSeconds: '30',
  conditionalWindowMinutes: '1440',
  liveCountdownSeconds: '30',
  allowIndividuals: false,
};

/** The increment ladder's rules: starts at 0, ascending starts, positive steps, each start on the previous grid. */
export function validateLadder(rows: LadderRow[], prefix = 'terms.ladder'): { bands: { start: number; step: number }[]; problems: Problems } {
  const problems: Problems = {};
  const bands: { start: number; step: number }[] = [];
  if (rows.length === 0) problems[prefix] = { key: 'auctions.terms.ladderEmpty' };
  rows.forEach((row, i) => {
    const start = parseYuan(row.start, { allowZero: true });
    const step = parseYuan(row.step);
    const at = `${prefix}.${i}`;
    if (step === null) problems[`${at}.step`] = { key: 'auctions.terms.stepPositive' };
    if (start === null) {
      problems[`${at}.start`] = { key: 'auctions.terms.amountInvalid' };
    } else if (i === 0 && start !== 0) {
      problems[`${at}.start`] = { key: 'auctions.terms.firstAtZero' };
    } else if (i > 0) {
      const prev = bands[i - 1];
      if (prev && start <= prev.start) {
        problems[`${at}.start`] = { key: 'auctions.terms.ascending' };
      } else if (prev && prev.step > 0 && (start - prev.start) % prev.step !== 0) {
        const below = start - ((start - prev.start) % prev.step);
        problems[`${at}.start`] = { key: 'auctions.terms.gap', params: { below: fenToInput(below), above: fenToInput(below + prev.step) } };
      }
    }
    // An unparsable row still takes its place so later rows compare with something sensible.
    bands.push({ start: start ?? (bands[i - 1]?.start ?? 0), step: step ?? 0 });
  });
  return { bands, problems };
}

/** The buyer-premium table's rules: starts at 0, ascending starts, a percentage of 0–100 % and a fixed amount ≥ 0. */
export function validatePremium(
  rows: PremiumRow[],
  prefix = 'terms.premium',
): { bands: { start: number; percent_bp: number; fixed: number }[]; problems: Problems } {
  const problems: Problems = {};
  const bands: { start: number; percent_bp: number; fixed: number }[] = [];
  if (rows.length === 0) problems[prefix] = { key: 'auctions.terms.premiumEmpty' };
  rows.forEach((row, i) => {
    const at = `${prefix}.${i}`;
    const start = parseYuan(row.start, { allowZero: true });
    const bp = parsePercent(row.percent || '0');
    const fixed = row.fixed.trim() === '' ? 0 : parseYuan(row.fixed, { allowZero: true });
    if (start === null) problems[`${at}.start`] = { key: 'auctions.terms.amountInvalid' };
    else if (i === 0 && start !== 0) problems[`${at}.start`] = { key: 'auctions.terms.firstAtZero' };
    else if (i > 0 && start <= (bands[i - 1]?.start ?? -1)) problems[`${at}.start`] = { key: 'auctions.terms.ascending' };
    if (bp === null) problems[`${at}.percent_bp`] = { key: 'auctions.terms.percentInvalid' };
    if (fixed === null) problems[`${at}.fixed`] = { key: 'auctions.terms.amountInvalid' };
    if (bp === 0 && fixed === 0 && row.percent.trim() === '' && row.fixed.trim() === '')
      problems[`${at}.percent_bp`] = { key: 'auctions.terms.premiumNeedsOne' };
    bands.push({ start: start ?? (bands[i - 1]?.start ?? 0), percent_bp: bp ?? 0, fixed: fixed ?? 0 });
  });
  return { bands, problems };
}

function wholeNumber(input: string, min: number, max: number): number | null {
  const clean = input.trim();
  if (!/^\d+$/.test(clean)) return null;
  const n = Number(clean);
  return n >= min && n <= max ? n : null;
}

/** The whole terms block: the API body, or the problems keyed by field. */
export function buildTerms(form: TermsForm): { terms: TermsOut | null; problems: Problems } {
  const ladder = validateLadder(form.ladder);
  const premium = validatePremium(form.premium);
  const problems: Problems = { ...ladder.problems, ...premium.problems };
  const deposit = parseYuan(form.deposit, { allowZero: true });
  if (deposit === null) problems['terms.deposit'] = { key: 'auctions.terms.amountInvalid' };
  const limit = parseYuan(form.buyingLimit);
  if (limit === null) problems['terms.buying_limit'] = { key: 'auctions.terms.amountPositive' };
  const range = (field: string, input: string, min: number, max: number, scale = 1) => {
    const n = wholeNumber(input, min, max);
    if (n === null) problems[field] = { key: 'auctions.terms.range', params: { min, max } };
    return (n ?? 0) * scale;
  };
  const softClose = range('terms.soft_close_seconds', form.softCloseSeconds, 0, 3_600);
  const cap = form.extensionCapSeconds.trim() === '' ? null : range('terms.extension_cap_seconds', form.extensionCapSeconds, 0, 86_400);
  const duration = range('terms.lot_duration_seconds', form.lotDurationMinutes, 1, 30 * 1_440, 60);
  const stagger = range('terms.stagger_seconds', form.staggerSeconds, 0, 3_600);
  const window = range('terms.conditional_window_seconds', form.conditionalWindowMinutes, 1, 14 * 1_440, 60);
  const countdown = range('terms.live_countdown_seconds', form.liveCountdownSeconds, 3, 600);
  if (Object.keys(problems).length) return { terms: null, problems };
  return {
    terms: {
      ladder: ladder.bands,
      premium: premium.bands,
      deposit: deposit!,
      buying_limit: limit!,
      soft_close_seconds: softClose,
      extension_cap_seconds: cap,
      lot_duration_seconds: duration,
      stagger_seconds: stagger,
      conditional_window_seconds: window,
      live_countdown_seconds: countdown,
      allow_individuals: form.allowIndividuals,
    },
    problems,
  };
}

/**
 * The server's validation issues keyed by field. A broken table rule arrives on the band and field it
 * concerns (`terms.ladder.2.step`, `terms.premium.1.start`), so it lands on that row's input.
 */
export function serverTermsErrors(fieldErrors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, raw] of Object.entries(fieldErrors)) out[field] = raw.replace(/^Value error, /, '');
  return out;
}

/** The ladder's grid, as the server checks it: is the amount start + k·step of its band? */
export function onGrid(bands: { start: number; step: number }[], amount: number): boolean {
  if (amount < 0 || bands.length === 0) return false;
  let band = bands[0]!;
  for (const b of bands) if (b.start <= amount) band = b;
  return (amount - band.start) % band.step === 0;
}

/** The valid amounts either side of an amount (equal when on the grid). */
export function nearestOnGrid(bands: { start: number; step: number }[], amount: number): [number, number] {
  let i = 0;
  bands.forEach((b, j) => {
    if (b.start <= amount) i = j;
  });
  const band = bands[i]!;
  const floor = amount - ((amount - band.start) % band.step);
  if (floor === amount) return [amount, amount];
  const next = bands[i + 1];
  return [floor, Math.min(floor + band.step, next ? next.start : Infinity)];
}
