/** Pure helpers of the desk's bank tab: which layout reads a file, and which invoices a statement line may pay. */
import type { Invoice } from '../api/settlement';
import type { BankLayout, BankLine } from '../api/desk';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function fileFormat(name: string): 'csv' | 'xlsx' | null {
  const lower = name.trim().toLowerCase();
  if (lower.endsWith('.xlsx')) return 'xlsx';
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return 'csv';
  return null;
}

export function contentTypeFor(name: string): string {
  return fileFormat(name) === 'xlsx' ? XLSX : 'text/csv';
}

/** The layouts that can read the file (by its format), the house's saved ones first, then the built-in ones. */
export function layoutsFor(name: string, layouts: BankLayout[]): BankLayout[] {
  const format = fileFormat(name);
  if (format === null) return [];
  const fits = layouts.filter((l) => l.mapping.format === format);
  return [...fits.filter((l) => !l.builtin), ...fits.filter((l) => l.builtin)];
}

const INVOICE_NUMBER = /^\d{4}-\d{5}-\d{6}$/;

/** The invoice numbers the statement line quotes (found in the payer's words when it was imported). */
export function quotedNumbers(line: Pick<BankLine, 'invoices'>): string[] {
  return line.invoices.map(([n]) => n).filter((n) => INVOICE_NUMBER.test(n));
}

/**
 * Open invoices in the line's currency to offer for a match by hand: those the line quotes first, then those whose
 * balance is exactly the line's amount, then the rest (newest first, as the API lists them).
 */
export function candidates(line: Pick<BankLine, 'invoices' | 'amount_fen' | 'currency'>, open: Invoice[]): Invoice[] {
  const quoted = new Set(quotedNumbers(line));
  const mine = open.filter((i) => i.status === 'open' && i.currency === line.currency);
  const rank = (i: Invoice) => (quoted.has(i.number) ? 0 : i.balance_due_fen === line.amount_fen ? 1 : 2);
  return mine.map((inv, index) => ({ inv, index })).sort((a, b) => rank(a.inv) - rank(b.inv) || a.index - b.index).map((x) => x.inv);
}

/** An amount in another currency than CNY, in its minor units (cents): "USD 1,234.05"; integers only. */
export function foreignAmount(minor: number, currency: string): string {
  const sign = minor < 0 ? '−' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}${currency} ${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** Other open invoices of the first one's buyer, in its currency: what one payment may be split across. */
export function splitPartners(first: Invoice | undefined, open: Invoice[]): Invoice[] {
  if (!first) return [];
  return open.filter((i) => i.number !== first.number && i.status === 'open' && i.buyer_user_id === first.buyer_user_id && i.currency === first.currency);
}

/**
 * A line applied to the chosen invoices: one takes the line (any excess becomes the buyer's credit); several must
 * each be paid exactly, so their balances add up to the line (the server's `split_inexact` rule otherwise).
 */
export function splitSummary(amountFen: number, chosen: Pick<Invoice, 'balance_due_fen'>[]): { totalFen: number; differenceFen: number; exact: boolean } {
  const totalFen = chosen.reduce((sum, i) => sum + i.balance_due_fen, 0);
  const differenceFen = amountFen - totalFen;
  return { totalFen, differenceFen, exact: chosen.length < 2 || differenceFen === 0 };
}
