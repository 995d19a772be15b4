import { api } from '../../../lib/api-client';
import type {
  AuditEntry,
  Certificate,
  Organisation,
  Penalty,
  VerificationAction,
} from '../../../types/api';

export interface OrganisationFilter {
  verification_status?: string;
  kind?: string;
}

/** Platform admin: organisations by verification status / kind. */
export const listOrganisations = (filter: OrganisationFilter, cursor: string | null, signal?: AbortSignal) =>
  api.getPage<Organisation>('/api/admin/organisations', cursor, { ...filter }, signal);

/** Certificates of one organisation (the org endpoint; platform admins may read any). */
export const listOrganisationCertificates = (orgId: number, cursor: string | null, signal?: AbortSignal) =>
  api.getPage<Certificate>(`/api/organisations/${orgId}/certificates`, cursor, undefined, signal);

export interface VerificationInput {
  action: VerificationAction;
  reason: string;
}

export const setOrganisationVerification = (orgId: number, input: VerificationInput) =>
  api.post<Organisation>(`/api/admin/organisations/${orgId}/verification`, input);

export const setCertificateVerification = (certId: number, input: VerificationInput) =>
  api.post<Certificate>(`/api/admin/certificates/${certId}/verification`, input);

export interface PenaltyInput {
  organisation_id: number;
  user_id?: number;
  points: number;
  reason: string;
  evidence: string;
}

export const createPenalty = (input: PenaltyInput) => api.post<Penalty>('/api/admin/penalties', input);

export const listAudit = (cursor: string | null, signal?: AbortSignal) =>
  api.getPage<AuditEntry>('/api/admin/audit', cursor, undefined, signal);

export const getOrganisation = (id: number) => api.get<Organisation>(`/api/organisations/${id}`);
