import { api } from '../../../lib/api-client';
// One filing type for the desk and the staff pages (types/export): the staff API answers the same shape, with the
// dealer's name; features do not import each other.
import type { Filing, FilingAction, FilingStatus } from '../../../types/export';

export type { Filing, FilingAction } from '../../../types/export';
export type FilingStatusFilter = FilingStatus;

/** A row of a rule's certificate table: a car from `from_years` (and under `under_years`) needs `certificate`. */
export interface CertificateRule {
  from_years: number;
  under_years: number | null;
  certificate: string;
}

/** Certificate codes the shipped table uses (a rule may name others). */
export const KNOWN_CERTIFICATES = ['type_approval', 'single_vehicle_certificate', 'era_glonass'] as const;

export interface DestinationRule {
  id: number | null;
  country: string;
  effective_from: string;
  source: string;
  max_age_years: number | null;
  age_basis: string;
  age_counted_at: string;
  steering: string | null;
  min_euro: number | null;
  certificates: CertificateRule[];
  notes: string;
  shipped: boolean;
  in_force: boolean;
}

export interface RuleInput {
  country: string;
  effective_from: string;
  source: string;
  max_age_years?: number | null;
  age_basis: string;
  age_counted_at: string;
  steering?: string | null;
  min_euro?: number | null;
  certificates: CertificateRule[];
  notes: string;
}

/** Where a filing's paper downloads (the same path as every export paper: the dealer's members and staff). */
export const filingPaperUrl = (id: number) => `/api/export/documents/${id}`;

export const staffFilings = (status: FilingStatusFilter) =>
  api.get<{ items: Filing[] }>(`/api/admin/export/filings?status=${status}`).then((r) => r.items);

/** Verify; reject (the API's cancel) or suspend with a reason; reinstate a suspended filing. */
export const decideFiling = (id: number, action: FilingAction, reason: string) =>
  api.post<Filing>(`/api/admin/export/filings/${id}/decision`, { action, reason });

/** Which decisions staff may take on a filing in this status (docs/export.md, "Staff decisions"). */
export function filingActions(status: FilingStatus): FilingAction[] {
  if (status === 'pending') return ['verify', 'cancel'];
  if (status === 'verified') return ['suspend', 'cancel'];
  if (status === 'suspended') return ['reinstate', 'cancel'];
  return [];
}

/** Actions that need the reason field filled in (the API refuses them with filing_reason_required otherwise). */
export const needsReason = (action: FilingAction) => action === 'suspend' || action === 'cancel';

/** The form's certificate rows as the API takes them: blanks dropped, numbers parsed, `under` empty meaning no limit. */
export function certificateRows(rows: { from: string; under: string; certificate: string }[]): CertificateRule[] {
  return rows
    .filter((r) => r.certificate.trim() !== '')
    .map((r) => ({
      from_years: r.from.trim() === '' ? 0 : Number(r.from),
      under_years: r.under.trim() === '' ? null : Number(r.under),
      certificate: r.certificate.trim(),
    }));
}

/** The age band of a certificate row in words-free form: "0–3", "3+". */
export const ageBand = (c: CertificateRule) => (c.under_years === null ? `${c.from_years}+` : `${c.from_years}–${c.under_years}`);

export const listRules = () => api.get<{ items: DestinationRule[] }>('/api/export/destination-rules').then((r) => r.items);
export const addRule = (body: RuleInput) => api.post<DestinationRule>('/api/admin/export/destination-rules', body);

/** Versions grouped by country, each country's newest effective date first. */
export function groupRules(rules: DestinationRule[]): [string, DestinationRule[]][] {
  const by = new Map<string, DestinationRule[]>();
  for (const r of rules) by.set(r.country, [...(by.get(r.country) ?? []), r]);
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, rs]) => [c, [...rs].sort((x, y) => y.effective_from.localeCompare(x.effective_from))]);
}
