/** The settlement API (docs/settlement.md): fee schedules and the estimator, invoices, receipts, the books. */
import { api, type Page } from '../../../lib/api-client';

export type InvoiceStatus = 'open' | 'paid' | 'void';

export interface InvoiceLine {
  kind: string;
  category: 'fee' | 'price';
  amount_fen: number;
  paid_fen: number;
}

export interface Invoice {
  id: number;
  number: string;
  house_org_id: number;
  buyer_user_id: number;
  buyer_org_id: number | null;
  source: 'auction' | 'listing';
  session_id: number | null;
  lot_id: number | null;
  listing_id: number | null;
  vehicle_id: number | null;
  sale_id: number;
  /** As the sale event named them; empty for sales recorded before the event carried titles. */
  session_title?: string;
  lot_title?: string;
  currency: string;
  status: InvoiceStatus;
  credit_note_number: string | null;
  lines: InvoiceLine[];
  total_fen: number;
  deposit_applied_fen: number;
  paid_fen: number;
  balance_due_fen: number;
  issued_at: string;
  due_date: string;
  due_date_provisional: boolean;
  overdue: boolean;
}

export interface Receipt {
  id: number;
  invoice_id: number;
  reference: string;
  amount_fen: number;
  currency: string;
  applied_fen: number;
  credit_fen: number;
  allocation: [string, number][];
  received_on: string;
  created: boolean;
}

export interface Charge {
  kind: string;
  amount_fen: number;
  vat_fen: number;
}

export interface Estimate {
  currency: string;
  hammer_fen: number;
  buyer_premium_fen: number;
  buyer_charges: Charge[];
  total_due_fen: number;
  seller_charges: Charge[];
  seller_net_fen: number;
  fee_schedule_id: number | null;
  fee_schedule_version: number | null;
  basis: 'house' | 'session';
}

export interface BandRule {
  lower_fen: number;
  upper_fen: number | null;
  rate_bp?: number;
  flat_fen?: number;
  min_fen?: number;
  cap_fen?: number | null;
}

export interface FeeRulesJson {
  currency?: string;
  buyer_premium?: BandRule[];
  seller_commission?: BandRule[];
  fixed?: { kind: string; side: 'buyer' | 'seller'; amount_fen: number }[];
  storage?: { daily_fen: number; free_working_days: number } | null;
  late?: { flat_fen?: number; rate_bp?: number } | null;
  relist_fee_fen?: number;
  vat_bp?: number;
  payment_days?: number;
}

export interface FeeSchedule {
  id: number;
  house_org_id: number;
  version: number;
  effective_from: string;
  rules: FeeRulesJson;
  note: string;
  created_at: string;
}

export interface TrialBalanceLine {
  account_id: number;
  code: string;
  name_en: string;
  name_zh: string;
  party: string;
  normal: 'debit' | 'credit';
  debit_fen: number;
  credit_fen: number;
}

export interface TrialBalance {
  currency: string;
  lines: TrialBalanceLine[];
  total_debit_fen: number;
  total_credit_fen: number;
  balanced: boolean;
}

export interface Entry {
  id: number;
  transaction_id: string;
  business_key: string;
  kind: string;
  memo: string;
  amount_fen: number;
  balance_after_fen: number;
  posted_at: string;
}

export interface Statement {
  account: TrialBalanceLine;
  balance_fen: number;
  items: Entry[];
  next_cursor: string | null;
}

export const myInvoices = (cursor: string | null, signal?: AbortSignal) =>
  api.getPage<Invoice>('/api/me/invoices', cursor, undefined, signal);

export const houseInvoices = (house: number, status: InvoiceStatus | null, cursor: string | null, signal?: AbortSignal) =>
  api.getPage<Invoice>(`/api/houses/${house}/invoices`, cursor, status ? { status } : undefined, signal);

export const getInvoice = (id: number) => api.get<Invoice>(`/api/invoices/${id}`);

export const voidInvoice = (id: number, reason: string) => api.post<Invoice>(`/api/invoices/${id}/void`, { reason });

export const recordReceipt = (house: number, body: { invoice_id: number; reference: string; amount_fen: number; received_on: string }) =>
  api.post<Receipt>(`/api/houses/${house}/receipts`, body);

export const trialBalance = (house: number, currency = 'CNY') =>
  api.get<TrialBalance>(`/api/houses/${house}/trial-balance`, { query: { currency } });

export const accountEntries = (house: number, account: number, cursor: string | null, signal?: AbortSignal) =>
  api.get<Statement>(`/api/houses/${house}/accounts/${account}/entries`, { query: cursor ? { cursor } : {}, signal });

export const feeSchedules = (house: number) =>
  api.get<{ items: FeeSchedule[] }>(`/api/houses/${house}/fee-schedules`).then((r) => r.items);

export const publishFeeSchedule = (house: number, body: { rules: FeeRulesJson; effective_from?: string; note?: string }) =>
  api.post<FeeSchedule>(`/api/houses/${house}/fee-schedules`, body);

export const estimateFees = (house: number, amount: number, sessionId?: number) =>
  api.get<Estimate>(`/api/houses/${house}/fee-estimate`, {
    query: sessionId ? { amount: String(amount), session_id: String(sessionId) } : { amount: String(amount) },
  });

export type { Page };

/** Stripe's hosted checkout for an invoice (docs/settlement.md, "Hosted checkout"): minor units of `currency`. */
export interface CardCheckout {
  operation_id: number;
  status: 'pending' | 'open' | 'processing' | 'succeeded' | 'canceled' | 'failed' | string;
  amount_minor: number;
  currency: string;
  url: string | null;
}

export interface CardCheckoutState {
  available: boolean;
  reason: string | null;
  currencies: string[];
  checkout: CardCheckout | null;
}

export const invoiceCardCheckout = (invoiceId: number, signal?: AbortSignal) =>
  api.get<CardCheckoutState>(`/api/invoices/${invoiceId}/card-checkout`, { signal });
export const openInvoiceCardCheckout = (invoiceId: number) => api.post<CardCheckout>(`/api/invoices/${invoiceId}/card-checkout`);
