import { api } from '../../../lib/api-client';
import type { LotView } from '../lib/lotState';
import type { TermsOut } from '../lib/terms';

export interface AuctionSession {
  id: number;
  house_org_id: number;
  title: string;
  kind: 'online' | 'onsite' | 'hybrid';
  mode: 'timed' | 'live';
  starts_at: string;
  status: 'draft' | 'published';
  terms: {
    deposit: number;
    buying_limit: number;
    soft_close_seconds: number;
    live_countdown_seconds: number;
    allow_individuals: boolean;
    ladder: { start: number; step: number }[];
    premium: { start: number; percent_bp: number; fixed: number }[];
    extension_cap_seconds?: number | null;
    lot_duration_seconds?: number;
    stagger_seconds?: number;
    conditional_window_seconds?: number;
  };
  lots: LotView[];
}

export interface Registration {
  id: number;
  session_id: number;
  paddle: string;
  org_id: number | null;
  deposit_amount: number;
  deposit_status: 'pending' | 'confirmed' | 'refunded';
  payment_reference: string;
  instructions: string;
}

export const listSessions = () => api.get<{ items: AuctionSession[] }>('/api/auction-sessions');
export const getSession = (id: number) => api.get<AuctionSession>(`/api/auction-sessions/${id}`);
export const myRegistration = (id: number) => api.get<Registration>(`/api/auction-sessions/${id}/registration`);
export const register = (id: number, orgId: number | null) =>
  api.post<Registration>(`/api/auction-sessions/${id}/registrations`, orgId ? { org_id: orgId } : {});
export const listRegistrations = (id: number) =>
  api.get<{ items: Registration[] }>(`/api/auction-sessions/${id}/registrations`);
export const confirmDeposit = (registrationId: number) =>
  api.post<Registration>(`/api/auction-registrations/${registrationId}/confirm-deposit`);

export interface SessionInput {
  house_org_id: number;
  title: string;
  kind: AuctionSession['kind'];
  starts_at: string;
  terms: TermsOut;
}

export interface LotInput {
  vehicle_id: number;
  starting_price: number;
  reserve_price: number | null;
  buy_now_price: number | null;
  condition_report: string;
}

/** A decision's committed outcome (the same body the WebSocket would send). */
export interface DecisionResult {
  status: 'accepted' | 'rejected';
  reason: string | null;
  price: number | null;
  detail?: { high_bid?: number; nearest?: number[] };
}

export interface SaleRecord {
  lot_id: number;
  hammer_price: number;
  buyer_premium: number;
  total: number;
  buyer_paddle: string;
  via: string;
  sold_at: string;
}

export const createSession = (body: SessionInput) => api.post<AuctionSession>('/api/auction-sessions', body);
export const addLot = (sessionId: number, body: LotInput) => api.post<LotView>(`/api/auction-sessions/${sessionId}/lots`, body);
export const publishSession = (sessionId: number) => api.post<AuctionSession>(`/api/auction-sessions/${sessionId}/publish`);
export const decide = (lotId: number, action: 'accept' | 'decline' | 'counter', amount?: number) =>
  api.post<DecisionResult>(`/api/lots/${lotId}/decision`, amount === undefined ? { action } : { action, amount });
export const saleRecord = (lotId: number) => api.get<SaleRecord>(`/api/lots/${lotId}/sale`);
