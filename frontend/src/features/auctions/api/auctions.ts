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
  phase: SessionPhase;
  /** Null for a draft. Money in fen; the sell-through rate in basis points (10000 = 100 %). */
  results: SessionResults | null;
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

export type SessionPhase = 'draft' | 'upcoming' | 'live' | 'ended';

export interface SessionResults {
  lots: number;
  sold: number;
  unsold: number;
  pending: number;
  turnover: number;
  sell_through_bp: number;
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

export type NextStep =
  | 'pay_balance'
  | 'collect_vehicle'
  | 'await_payment'
  | 'hand_over_vehicle'
  | 'confirm_payment'
  | 'release_vehicle';

export interface SaleRecord {
  lot_id: number;
  session_id: number;
  hammer_price: number;
  buyer_premium: number;
  total: number;
  buyer_paddle: string;
  via: string;
  sold_at: string;
  viewer_role: 'buyer' | 'seller' | 'house';
  /** The buyer's deposit (buyer and house only): `applied` is the part counted toward this lot. */
  deposit: { amount: number; status: Registration['deposit_status']; applied: number } | null;
  balance_due: number | null;
  payment_reference: string | null;
  next_steps: NextStep[];
}

// --- the lot page and the buyer's side ----------------------------------------------------------------
export interface LotPhoto {
  id: number;
  url: string;
  thumb_url: string | null;
  width: number;
  height: number;
}

export interface LotSpecs {
  body_type: string;
  transmission: string;
  displacement_ml: number | null;
  battery_kwh: string | null;
  emission_standard: string;
  plate_prefix: string;
  usage: string;
  accident: boolean;
  flood: boolean;
  fire: boolean;
}

export interface ConditionSummary {
  text: string;
  items: number;
  worst_grade: string | null;
  flagged: { item: string; grade: string; note: string }[];
  accident: boolean;
  flood: boolean;
  fire: boolean;
}

/** GET /api/lots/{id}: the lot as the snapshot shows it, plus the car. */
export type LotPage = LotView & {
  session_title: string;
  specs: Partial<LotSpecs>;
  photos: LotPhoto[];
  condition: ConditionSummary;
};

export type Standing = 'leading' | 'outbid' | 'pending' | 'won' | 'lost';

export interface MyLot {
  lot_id: number;
  position: number;
  title: string;
  status: string;
  price: number | null;
  ends_at: number | null;
  your_max: number | null;
  standing: Standing;
  sale: { hammer_price: number; buyer_premium: number; total: number; deposit_applied: number; balance_due: number } | null;
}

export interface MyRegistration {
  id: number;
  paddle: string;
  org_id: number | null;
  deposit_amount: number;
  deposit_status: Registration['deposit_status'];
  payment_reference: string;
  session: { id: number; title: string; kind: AuctionSession['kind']; starts_at: string; phase: SessionPhase };
  lots: MyLot[];
}

export const lotPage = (lotId: number) => api.get<LotPage>(`/api/lots/${lotId}`);
export const myAuctions = (cursor?: string) =>
  api.get<Page<MyRegistration>>('/api/me/auctions', { query: cursor ? { limit: 50, cursor } : { limit: 50 } });
export const resultsExportUrl = (sessionId: number) => `/api/auction-sessions/${sessionId}/results/export`;

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
