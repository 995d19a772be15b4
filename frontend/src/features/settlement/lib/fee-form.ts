/**
 * The fee schedule editor's form ↔ the API's rules (docs/settlement.md, "Fee schedules").
 *
 * People type band bounds in 万元 (car prices), fees in 元 and rates in percent with up to two decimals;
 * the API takes integer fen and basis points. Bands are typed by their lower bound only: each band ends
 * one fen below the next band's start (inclusive bounds that tile [0, ∞) without a gap), the last is open.
 */
import { parseMoney } from '../../../lib/money-input';
import type { BandRule, FeeRulesJson } from '../api/settlement';

export interface BandForm {
  lower: string; // 万元
  rate: string; // percent, e.g. "5" or "2.5"
  min: string; // 元
  cap: string; // 元, empty: none
}

export interface FeeForm {
  buyer: BandForm[];
  seller: BandForm[];
  documentFee: string; // 元, charged to the buyer
  paymentDays: string;
  lateFlat: string; // 元
  storageDaily: string; // 元
  storageFreeDays: string;
  vatPercent: string;
}

export type FeeFormErrors = Partial<Record<string, string>>;

/** "5" → 500, "2.75" → 275; undefined for anything else (three decimals, negative, > 100 %). */
export function percentToBp(text: string): number | undefined {
  const t = text.trim();
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return undefined;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0') || '0');
  return bp <= 10_000 ? bp : undefined;
}

export function bpToPercent(bp: number | undefined): string {
  if (!bp) return '0';
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  return rest ? `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}` : String(whole);
}

function wholeNumber(text: string, max: number): number | undefined {
  const t = text.trim();
  if (!/^\d{1,6}$/.test(t)) return undefined;
  const n = Number(t);
  return n <= max ? n : undefined;
}

function bands(rows: BandForm[], side: 'buyer' | 'seller', errors: FeeFormErrors): BandRule[] {
  const out: BandRule[] = [];
  rows.forEach((row, i) => {
    const lower = i === 0 ? 0 : parseMoney(row.lower, 'wan', { allowZero: false });
    const rate = percentToBp(row.rate);
    const min = row.min.trim() ? parseMoney(row.min, 'yuan', { allowZero: true }) : 0;
    const cap = row.cap.trim() ? parseMoney(row.cap, 'yuan') : null;
    if (lower === undefined) errors[`${side}.${i}.lower`] = 'settlement.fees.badLower';
    else if (i > 0 && lower <= (out[out.length - 1]?.lower_fen ?? 0)) errors[`${side}.${i}.lower`] = 'settlement.fees.lowerOrder';
    if (rate === undefined) errors[`${side}.${i}.rate`] = 'settlement.fees.badRate';
    if (min === undefined) errors[`${side}.${i}.min`] = 'settlement.fees.badAmount';
    if (cap === undefined) errors[`${side}.${i}.cap`] = 'settlement.fees.badAmount';
    else if (cap !== null && min !== undefined && cap < min) errors[`${side}.${i}.cap`] = 'settlement.fees.capBelowMin';
    out.push({ lower_fen: lower ?? 0, upper_fen: null, rate_bp: rate ?? 0, min_fen: min ?? 0, cap_fen: cap ?? null });
  });
  return out.map((band, i) => {
    const next = out[i + 1];
    return next ? { ...band, upper_fen: next.lower_fen - 1 } : band;
  });
}

/** The rules to publish, or the errors keyed by field (message keys of the settlement dictionary). */
export function formToRules(form: FeeForm): { rules?: FeeRulesJson; errors: FeeFormErrors } {
  const errors: FeeFormErrors = {};
  const buyer = bands(form.buyer, 'buyer', errors);
  const seller = bands(form.seller, 'seller', errors);
  const document = form.documentFee.trim() ? parseMoney(form.documentFee, 'yuan', { allowZero: true }) : 0;
  if (document === undefined) errors.documentFee = 'settlement.fees.badAmount';
  const paymentDays = wholeNumber(form.paymentDays, 60);
  if (paymentDays === undefined || paymentDays < 1) errors.paymentDays = 'settlement.fees.badDays';
  const late = form.lateFlat.trim() ? parseMoney(form.lateFlat, 'yuan', { allowZero: true }) : 0;
  if (late === undefined) errors.lateFlat = 'settlement.fees.badAmount';
  const daily = form.storageDaily.trim() ? parseMoney(form.storageDaily, 'yuan', { allowZero: true }) : 0;
  if (daily === undefined) errors.storageDaily = 'settlement.fees.badAmount';
  const freeDays = form.storageFreeDays.trim() ? wholeNumber(form.storageFreeDays, 365) : 0;
  if (freeDays === undefined) errors.storageFreeDays = 'settlement.fees.badDays';
  const vat = percentToBp(form.vatPercent);
  if (vat === undefined) errors.vatPercent = 'settlement.fees.badRate';
  if (Object.keys(errors).length) return { errors };
  const rules: FeeRulesJson = {
    currency: 'CNY',
    buyer_premium: buyer,
    seller_commission: seller,
    fixed: document ? [{ kind: 'document', side: 'buyer', amount_fen: document }] : [],
    storage: daily ? { daily_fen: daily, free_working_days: freeDays ?? 0 } : null,
    late: late ? { flat_fen: late } : null,
    vat_bp: vat,
    payment_days: paymentDays,
  };
  return { rules, errors };
}

const yuan = (fen: number | null | undefined) => (fen ? String(fen / 100) : '');
const wan = (fen: number) => String(fen / 1_000_000);

/** The form showing an existing version (to start the next one from it). */
export function rulesToForm(rules: FeeRulesJson | null): FeeForm {
  const side = (b: BandRule[] | undefined): BandForm[] =>
    (b?.length ? b : [{ lower_fen: 0, upper_fen: null, rate_bp: 500 }]).map((x) => ({
      lower: x.lower_fen ? wan(x.lower_fen) : '0',
      rate: bpToPercent(x.rate_bp),
      min: yuan(x.min_fen),
      cap: yuan(x.cap_fen),
    }));
  return {
    buyer: side(rules?.buyer_premium),
    seller: side(rules?.seller_commission),
    documentFee: yuan(rules?.fixed?.find((f) => f.kind === 'document' && f.side === 'buyer')?.amount_fen),
    paymentDays: String(rules?.payment_days ?? 3),
    lateFlat: yuan(rules?.late?.flat_fen),
    storageDaily: yuan(rules?.storage?.daily_fen),
    storageFreeDays: rules?.storage ? String(rules.storage.free_working_days) : '',
    vatPercent: bpToPercent(rules?.vat_bp ?? 600),
  };
}
