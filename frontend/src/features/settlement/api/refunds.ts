import { api, type Page } from '../../../lib/api-client';

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

/** One page of the house's buyer refunds, oldest first (the API pages them: 50 by default, at most 100). */
export const buyerRefunds = (house: number, status: 'due' | 'done' | null, cursor: string | null = null, signal?: AbortSignal) =>
  api.get<Page<BuyerRefund>>(`/api/houses/${house}/buyer-refunds`, { query: { status, cursor }, signal });

export const completeBuyerRefund = (house: number, refund: number, bankReference: string) =>
  api.post<BuyerRefund>(`/api/houses/${house}/buyer-refunds/${refund}/complete`, { bank_reference: bankReference });

export const myCredits = () => api.get<{ items: Credit[] }>('/api/me/credits').then((r) => r.items);

export const requestCreditRefund = (house: number, currency: string) =>
  api.post<BuyerRefund>(`/api/me/houses/${house}/credit-refund`, { currency });
