import { api } from '../../../lib/api-client';
import type { LotView } from '../lib/lotState';

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
