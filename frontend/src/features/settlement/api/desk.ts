/** The desk's bank and payouts tabs (docs/settlement.md, "Payment rails" and "The seller's payout"). */
import { api, type Page } from '../../../lib/api-client';
import type { Invoice } from './settlement';

export interface BankLayout {
  name: string;
  builtin: boolean;
  mapping: { format?: 'csv' | 'xlsx' } & Record<string, unknown>;
}

export interface StatementImport {
  id: number;
  created: boolean;
  layout: string;
  lines_total: number;
  lines_new: number;
  outcomes: Record<string, number>;
  balance_breaks: [number, number, number][];
}

export interface StatementRow {
  id: number;
  filename: string;
  layout: string;
  lines_total: number;
  lines_new: number;
  imported_at: string;
  counts: Record<string, number>;
  matched: number;
  unmatched: number;
  excluded: number;
  balance_breaks: number;
}

export type BankLineStatus = 'applied' | 'matched' | 'flagged' | 'queued' | 'resolved' | 'excluded';

export interface BankLine {
  id: number;
  serial: string;
  booked_at: string;
  amount_fen: number;
  balance_fen: number | null;
  currency: string;
  payer: string;
  reference: string;
  status: BankLineStatus;
  reason: string;
  invoices: [string, number][];
  balance_break: boolean;
  expected_balance_fen: number | null;
  note: string;
}

export type PayoutState = 'due' | 'waiting' | 'paid' | 'unwound';

export interface PayoutRow {
  sale_id: number;
  seller_org_id: number;
  seller_name: string;
  source: 'auction' | 'listing';
  lot_id: number | null;
  listing_id: number | null;
  vehicle_id: number | null;
  sold_at: string;
  currency: string;
  amount_fen: number;
  state: PayoutState;
  waiting: string[];
  due_date: string | null;
  bank_reference: string | null;
  paid_on: string | null;
}

export const bankLayouts = (house: number) =>
  api.get<{ items: BankLayout[] }>(`/api/houses/${house}/bank/layouts`).then((r) => r.items);

/** The statement file as the raw body; the same file again answers `created: false` and changes nothing. */
export const importStatement = (house: number, layout: string, file: File, contentType: string) =>
  api.post<StatementImport>(`/api/houses/${house}/bank/statements`, undefined, {
    query: { layout, filename: file.name.slice(0, 200) },
    raw: { data: file, contentType },
  });

/** A file's first rows as text, to map its columns (nothing is stored). */
export const previewStatement = (house: number, file: File, format: 'csv' | 'xlsx', contentType: string) =>
  api.post<{ format: 'csv' | 'xlsx'; rows: string[][] }>(`/api/houses/${house}/bank/statements/preview`, undefined, {
    query: { format },
    raw: { data: file, contentType },
  });

/** Save the house's column mapping under a name (the same name again replaces it). */
export const saveLayout = (house: number, name: string, mapping: { format: 'csv' | 'xlsx' } & Record<string, string>) =>
  api.post<BankLayout>(`/api/houses/${house}/bank/layouts`, { name, mapping });

export const statementImports = (house: number, cursor: string | null, signal?: AbortSignal) =>
  api.getPage<StatementRow>(`/api/houses/${house}/bank/statements`, cursor, undefined, signal);

export const bankLines = (house: number, status: BankLineStatus, cursor: string | null = null, signal?: AbortSignal) =>
  api.getPage<BankLine>(`/api/houses/${house}/bank/lines`, cursor, { status, limit: 100 }, signal);

export const resolveLine = (house: number, line: number, body: { action: 'apply' | 'exclude'; invoices?: string[]; note?: string }) =>
  api.post<BankLine>(`/api/houses/${house}/bank/lines/${line}/resolve`, body);

export const housePayouts = (house: number, state: PayoutState | null, cursor: string | null, signal?: AbortSignal): Promise<Page<PayoutRow>> =>
  api.getPage<PayoutRow>(`/api/houses/${house}/payouts`, cursor, state ? { state } : undefined, signal);

/** The open invoices a line may be matched to by hand (the first 100, newest first). */
export const openInvoices = (house: number) =>
  api.getPage<Invoice>(`/api/houses/${house}/invoices`, null, { status: 'open', limit: 100 }).then((p) => p.items);

/** The sale's payout statement PDF (a plain link: the browser sends the session cookie). */
export const payoutStatementUrl = (sale: number) => `/api/sales/${sale}/payout-statement.pdf`;
