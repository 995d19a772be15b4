/** Shapes of the marketplace API (shared by several features). */

export const ROLES = [
  'buyer',
  'dealer_staff',
  'dealer_admin',
  'auctioneer',
  'house_admin',
  'analyst',
  'platform_admin',
] as const;
export type Role = (typeof ROLES)[number];

export const ORG_KINDS = ['dealer', 'auction_house', 'association', 'platform'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const VERIFICATION_STATUSES = ['pending', 'verified', 'suspended', 'cancelled'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export const VERIFICATION_ACTIONS = ['verify', 'suspend', 'cancel'] as const;
export type VerificationAction = (typeof VERIFICATION_ACTIONS)[number];

/** Status an action leads to. */
export const ACTION_RESULT: Record<VerificationAction, VerificationStatus> = {
  verify: 'verified',
  suspend: 'suspended',
  cancel: 'cancelled',
};

export const TOKEN_SCOPES = ['read', 'write', 'bid', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Roles that administer an organisation (may manage members and certificates). */
export const ORG_ADMIN_ROLES: readonly string[] = ['dealer_admin', 'house_admin'];

export interface MeOrganisation {
  id: number;
  name: string;
  kind: OrgKind;
  roles: string[];
  verification_status: VerificationStatus;
}

export interface Me {
  id: number;
  email: string | null;
  mobile: string | null;
  display_name: string;
  is_platform_admin: boolean;
  organisations: MeOrganisation[];
}

export interface Organisation {
  id: number;
  name: string;
  kind: OrgKind;
  business_licence_no: string;
  verification_status: VerificationStatus;
  verified_at: string | null;
  penalty_points: number;
  created_at: string;
}

export interface Member {
  user_id: number;
  display_name: string;
  login: string;
  roles: string[];
}

/** The answer of requests whose outcome is told by mail: the same whatever the address holds. */
export interface Sent {
  status: 'sent';
}

/** An invitation as its organisation's admins see it. */
export interface Invitation {
  id: number;
  organisation_id: number;
  login: string;
  roles: string[];
  status: string;
  created_at: string;
  expires_at: string;
}

/** An invitation waiting for me. */
export interface MyInvitation {
  id: number;
  organisation_id: number;
  organisation_name: string;
  organisation_kind: OrgKind;
  roles: string[];
  created_at: string;
  expires_at: string;
}

/** 代理证 (agent certificate). */
export interface Certificate {
  id: number;
  organisation_id: number;
  holder_name: string;
  holder_user_id: number | null;
  certificate_no: string;
  valid_from: string;
  valid_until: string;
  status: VerificationStatus;
}

export interface Penalty {
  id: number;
  organisation_id: number;
  user_id: number | null;
  points: number;
  reason: string;
  evidence: string;
  created_at: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor_user_id: number | null;
  action: string;
  target: string;
  details: unknown;
}

export interface ApiToken {
  id: number;
  name: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Answer of token creation; `token` is shown once and never again. */
export interface CreatedApiToken extends ApiToken {
  token: string;
}
