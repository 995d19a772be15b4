import { api, type Page } from '../../../lib/api-client';
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
export const removeLot = (lotId: number) => api.delete(`/api/lots/${lotId}`);
export const publishSession = (sessionId: number) => api.post<AuctionSession>(`/api/auction-sessions/${sessionId}/publish`);
export const decide = (lotId: number, action: 'accept' | 'decline' | 'counter', amount?: number) =>
  api.post<DecisionResult>(`/api/lots/${lotId}/decision`, amount === undefined ? { action } : { action, amount });
export const saleRecord = (lotId: number) => api.get<SaleRecord>(`/api/lots/${lotId}/sale`);

// --- consignment (委托拍卖) ------------------------------------------------------------------------
/** What a consignment shows of its vehicle (the house's picker and the seller's list). */
export interface ConsignedVehicle {
  id: number;
  title: string;
  make: string;
  model: string;
  series: string;
  vin: string;
  energy_type: string;
  model_year: number | null;
  mileage_km: number;
  city: string;
}

export interface Consignment {
  id: number;
  vehicle_id: number;
  seller_org_id: number;
  seller_name: string;
  house_org_id: number;
  house_name: string;
  status: 'active' | 'used' | 'withdrawn';
  suggested_reserve: number | null;
  note: string;
  lot_id: number | null;
  created_at: string;
  updated_at: string;
  vehicle: ConsignedVehicle | null;
}

export interface ConsignmentInput {
  vin: string;
  house_org_id: number;
  suggested_reserve: number | null;
  note: string;
}

export interface AuctionHouse {
  id: number;
  name: string;
}

/** A dealer's inventory row, as much of it as the consign page needs (GET /api/dealers/{id}/inventory). */
export interface InventoryVehicle {
  id: number;
  status: string;
  title: string;
  vehicle: { vin: string; make: string; model: string; series: string; model_year: number | null; mileage_km: number };
}

export const listConsignments = (query: { role?: 'seller' | 'house'; status?: Consignment['status']; limit?: number }) =>
  api.get<Page<Consignment>>('/api/consignments', { query: { limit: 100, ...query } });
export const consign = (body: ConsignmentInput) => api.post<Consignment>('/api/consignments', body);
export const withdrawConsignment = (id: number) => api.post<Consignment>(`/api/consignments/${id}/withdraw`);
export const auctionHouses = () => api.get<{ items: AuctionHouse[] }>('/api/auction-houses');
export const dealerVehicles = (orgId: number) =>
  api.get<Page<InventoryVehicle>>(`/api/dealers/${orgId}/inventory`, { query: { limit: 100 } });
