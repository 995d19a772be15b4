import { api } from '../../../lib/api-client';
import type { Certificate, Member, Organisation, Penalty } from '../../../types/api';

export interface CreateOrganisationInput {
  name: string;
  kind: 'dealer' | 'auction_house';
  /** 18-character unified social credit code. */
  business_licence_no: string;
}

/** 201; the creator becomes the organisation's admin. */
export const createOrganisation = (input: CreateOrganisationInput) => api.post<Organisation>('/api/organisations', input);

export const getOrganisation = (id: number, signal?: AbortSignal) =>
  api.get<Organisation>(`/api/organisations/${id}`, { signal });

export const listMembers = (orgId: number, cursor: string | null, signal?: AbortSignal) =>
  api.getPage<Member>(`/api/organisations/${orgId}/members`, cursor, undefined, signal);

export interface AddMemberInput {
  /** Email or mobile of an existing user. */
  login: string;
  roles: string[];
}

export const addMember = (orgId: number, input: AddMemberInput) =>
  api.post<Member>(`/api/organisations/${orgId}/members`, input);

export const listCertificates = (orgId: number, cursor: string | null, signal?: AbortSignal) =>
  api.getPage<Certificate>(`/api/organisations/${orgId}/certificates`, cursor, undefined, signal);

export interface CreateCertificateInput {
  holder_name: string;
  certificate_no: string;
  valid_from: string;
  valid_until: string;
  holder_user_id?: number;
}

export const createCertificate = (orgId: number, input: CreateCertificateInput) =>
  api.post<Certificate>(`/api/organisations/${orgId}/certificates`, input);

export const listPenalties = (orgId: number, cursor: string | null, signal?: AbortSignal) =>
  api.getPage<Penalty>(`/api/organisations/${orgId}/penalties`, cursor, undefined, signal);
