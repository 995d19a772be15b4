import { api } from '../../../lib/api-client';

/** Money a house owes a buyer (a dispute's refund, an unwind, a credit the buyer asked back), paid by bank. */
export interface BuyerRefund {
  id: number;
  house_org_id: number;
  user_id: number;
  amount_fen: number;
  currency: string;
  source: 'adjustment' | 'unwind' | 'request';
  dispute_id: number | null;
  sale_id: number | null;
  status: 'due' | 'done';
  bank_reference: string | null;
  created_at: string;
  completed_at: string | null;
  created?: boolean;
}

export interface Credit {
  house_org_id: number;
  house_name: string;
  currency: string;
  balance_fen: number;
  refundable_fen: number;
  request_open: boolean;
}

export const buyerRefunds = (house: number, status: 'due' | 'done' | null) =>
  api.get<{ items: BuyerRefund[] }>(`/api/houses/${house}/buyer-refunds`, { query: { status } }).then((r) => r.items);

export const completeBuyerRefund = (house: number, refund: number, bankReference: string) =>
  api.post<BuyerRefund>(`/api/houses/${house}/buyer-refunds/${refund}/complete`, { bank_reference: bankReference });

export const myCredits = () => api.get<{ items: Credit[] }>('/api/me/credits').then((r) => r.items);

export const requestCreditRefund = (house: number, currency: string) =>
  api.post<BuyerRefund>(`/api/me/houses/${house}/credit-refund`, { currency });
