import { api } from '../../../lib/api-client';
import type { Certificate, Invitation, Me, Member, MyInvitation, Organisation, Penalty } from '../../../types/api';

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
  /** Email or mobile; the answer is the same whether or not an account has it. */
  login: string;
  roles: string[];
}

/** 202: an invitation the person accepts. */
export const inviteMember = (orgId: number, input: AddMemberInput) =>
  api.post<Invitation>(`/api/organisations/${orgId}/members`, input);

export const setMemberRoles = (orgId: number, userId: number, roles: string[]) =>
  api.put<Member>(`/api/organisations/${orgId}/members/${userId}`, { roles });

/** Removes a member; with one's own user id, leaves. */
export const removeMember = (orgId: number, userId: number) =>
  api.delete(`/api/organisations/${orgId}/members/${userId}`);

export const listInvitations = (orgId: number, cursor: string | null, signal?: AbortSignal) =>
  api.getPage<Invitation>(`/api/organisations/${orgId}/invitations`, cursor, undefined, signal);

export const withdrawInvitation = (orgId: number, invitationId: number) =>
  api.delete(`/api/organisations/${orgId}/invitations/${invitationId}`);

export const myInvitations = (signal?: AbortSignal) =>
  api.get<{ items: MyInvitation[] }>('/api/me/invitations', { signal });

export const acceptInvitation = (id: number) => api.post<Me>(`/api/me/invitations/${id}/accept`);

export const declineInvitation = (id: number) => api.post<void>(`/api/me/invitations/${id}/decline`);

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
