/** After the sale (docs/settlement.md, "After the sale"): gate pass, payout, 过户, disputes; and the invoice's PDFs. */
import { api } from '../../../lib/api-client';

export interface GatePass {
  sale_id: number;
  pass_code: string;
  issued_at: string;
  handed_over_at: string | null;
}

export interface Handover {
  sale_id: number;
  lot_id: number | null;
  listing_id: number | null;
  vehicle_id: number | null;
  handed_over_at: string;
  transfer_deadline: string;
}

export interface PayoutFigures {
  hammer_fen: number;
  commission_fen: number;
  seller_fees_fen: number;
  adjustments_fen: number;
  set_off_fen: number;
  amount_fen: number;
}

export interface Payout {
  sale_id: number;
  house_org_id: number;
  seller_org_id: number;
  currency: string;
  state: 'due' | 'waiting' | 'paid';
  waiting: string[];
  figures: PayoutFigures;
  bank_reference: string | null;
  paid_on: string | null;
  created?: boolean | null;
}

export type TransferStatus = 'pending' | 'documents_handed' | 'filed' | 'done' | 'cancelled';

export interface Transfer {
  sale_id: number;
  house_org_id: number;
  status: TransferStatus;
  delivered_at: string;
  deadline: string;
  overdue: boolean;
  documents: string[];
  filed_at: string | null;
  blockers: { kind: string; note: string; cleared_at?: string | null }[];
  new_province: string;
  new_city: string;
  new_plate: string;
  proof_uploaded: boolean;
  done_at: string | null;
  outcome: 'none' | 'in_province' | 'cross_province' | null;
}

export const DISPUTE_REASONS = ['undisclosed_damage', 'mileage', 'title_documents', 'major_accident', 'flood', 'fire'] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

export interface Dispute {
  id: number;
  sale_id: number;
  house_org_id: number;
  reason: DisputeReason;
  description: string;
  status: 'open' | 'answered';
  level: string;
  answer: string | null;
  answer_note: string;
  refunded_fen: number;
  opened_at: string;
  answered_at?: string | null;
  /** Photo ids: `evidenceUrl(dispute, photo)`. */
  evidence: number[];
  history?: { at: string; action: string; level: string; note?: string; answer?: string; refund_fen?: number }[];
  /** The association's ruling (mediation, 调解), once it ruled. */
  ruling?: { ruling: DisputeAnswer; note: string; refund_fen: number; at: string } | null;
}

export type DocumentKind = 'invoice' | 'confirmation' | 'contract';

/** The PDF's address (a plain link: the browser sends the session cookie). */
export const documentUrl = (invoiceId: number, kind: DocumentKind) => `/api/invoices/${invoiceId}/${kind}.pdf`;

export const gatePass = (sale: number) => api.get<GatePass>(`/api/sales/${sale}/gate-pass`);

export const scanGatePass = (house: number, code: string) => api.post<Handover>(`/api/houses/${house}/gate-passes/scan`, { code });

export const salePayout = (sale: number) => api.get<Payout>(`/api/sales/${sale}/payout`);

export const recordPayout = (sale: number, body: { bank_reference: string; paid_on: string }) => api.post<Payout>(`/api/sales/${sale}/payout`, body);

export const saleTransfer = (sale: number) => api.get<Transfer>(`/api/sales/${sale}/transfer`);

export const fileTransfer = (sale: number) => api.post<Transfer>(`/api/sales/${sale}/transfer/filed`);

export const uploadTransferProof = (sale: number, file: File, place: { province: string; city: string; plate: string }) =>
  api.post<Transfer>(`/api/sales/${sale}/transfer/proof`, undefined, {
    query: place,
    raw: { data: file, contentType: file.type || 'application/octet-stream' },
  });

export const openDispute = (sale: number, body: { reason: DisputeReason; description: string }) =>
  api.post<Dispute>(`/api/sales/${sale}/disputes`, body);

/** The sale's dispute (404 when it has none). */
export const saleDispute = (sale: number) => api.get<Dispute>(`/api/sales/${sale}/dispute`);

/** An evidence photo as the raw body; the same photo twice is kept once. */
export const addEvidence = (dispute: number, file: File) =>
  api.post<{ id: number; dispute_id: number; content_type: string; size_bytes: number }>(`/api/disputes/${dispute}/evidence`, undefined, {
    raw: { data: file, contentType: file.type },
  });

/** A photo's address (an <img> or a link: the browser sends the session cookie). */
export const evidenceUrl = (dispute: number, photo: number) => `/api/disputes/${dispute}/evidence/${photo}`;

export const escalateDispute = (dispute: number, note: string) => api.post<Dispute>(`/api/disputes/${dispute}/escalate`, { note });

/** Cases escalated to the association or beyond, of every house (the association's staff). */
export const associationDisputes = () => api.get<{ items: Dispute[] }>('/api/association/disputes').then((r) => r.items);

export interface DepositRefund {
  id: number;
  deposit_id: number;
  user_id: number;
  amount_fen: number;
  currency: string;
  rail: string;
  due_on: string;
  status: string;
  bank_reference: string | null;
  completed_at: string | null;
  created?: boolean;
}

export const depositRefunds = (house: number, status: 'due' | 'done' | null) =>
  api.get<{ items: DepositRefund[] }>(`/api/houses/${house}/deposit-refunds`, { query: { status } }).then((r) => r.items);

export const completeRefund = (house: number, refund: number, bankReference: string) =>
  api.post<DepositRefund>(`/api/houses/${house}/deposit-refunds/${refund}/complete`, { bank_reference: bankReference });

export const houseDisputes = (house: number, status: 'open' | 'answered' | null) =>
  api.get<{ items: Dispute[] }>(`/api/houses/${house}/disputes`, { query: { status } }).then((r) => r.items);

export const DISPUTE_ANSWERS = ['rejected', 'price_adjustment', 'unwind'] as const;
export type DisputeAnswer = (typeof DISPUTE_ANSWERS)[number];
/** A house's answer or an association's ruling: the same decision. */
export interface DisputeDecision {
  answer: DisputeAnswer;
  note: string;
  refund_fen?: number;
}

export const answerDispute = (dispute: number, body: DisputeDecision) => api.post<Dispute>(`/api/disputes/${dispute}/answer`, body);

/** The association's staff rule on a case before them; posted in the house's books as its answer would be. */
export const ruleDispute = (dispute: number, { answer, ...rest }: DisputeDecision) =>
  api.post<Dispute>(`/api/disputes/${dispute}/ruling`, { ruling: answer, ...rest });

export const houseTransfers = (house: number, status: TransferStatus | null) =>
  api.get<{ items: Transfer[] }>(`/api/houses/${house}/transfers`, { query: { status } }).then((r) => r.items);

export const TRANSFER_DOCUMENTS = ['driving_licence', 'registration_certificate', 'invoice'] as const;

export const handDocuments = (sale: number, documents: readonly string[]) =>
  api.post<Transfer>(`/api/sales/${sale}/transfer/documents`, { documents });

export const confirmTransfer = (sale: number) => api.post<Transfer>(`/api/sales/${sale}/transfer/confirm`);

export interface PayoutStatementLine {
  sale_id: number;
  source: string;
  lot_id: number | null;
  listing_id: number | null;
  sold_at: string;
  currency: string;
  hammer_fen: number;
  commission_fen: number;
  seller_fees_fen: number;
  adjustments_fen: number;
  net_fen: number;
  state: 'due' | 'waiting' | 'paid' | 'unwound';
  waiting: string[];
  paid_fen: number | null;
  set_off_fen: number | null;
  bank_reference: string | null;
  paid_on: string | null;
}

export interface PayoutStatement {
  house_org_id: number;
  seller_org_id: number;
  as_of: string;
  lines: PayoutStatementLine[];
  totals: { currency: string; hammer_fen: number; paid_fen: number; outstanding_fen: number }[];
  payable_balance_fen: Record<string, number>;
}

export const payoutStatement = (house: number, seller: number) =>
  api.get<PayoutStatement>(`/api/houses/${house}/sellers/${seller}/payout-statement`);

export const auctionHouseNames = () => api.get<{ items: { id: number; name: string }[] }>('/api/auction-houses').then((r) => r.items);

export interface Default {
  id: number;
  invoice_id: number;
  sale_id: number;
  lot_id: number | null;
  hammer_fen: number;
  forfeited_fen: number;
  shortfall_fen: number;
  status: string;
  declared_at: string;
}

export const declareDefault = (invoice: number, reason: string) => api.post<Default>(`/api/invoices/${invoice}/default`, { reason });

export const houseDefaults = (house: number) => api.get<{ items: Default[] }>(`/api/houses/${house}/defaults`).then((r) => r.items);

export const closeDefault = (house: number, id: number, resaleHammerFen: number | null) =>
  api.post<Default>(`/api/houses/${house}/defaults/${id}/close`, { resale_hammer_fen: resaleHammerFen });
