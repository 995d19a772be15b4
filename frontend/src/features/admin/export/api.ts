import { api } from '../../../lib/api-client';

export type FilingStatusFilter = 'pending' | 'verified' | 'suspended' | 'cancelled';

/** An exporter filing as the staff API returns it. */
export interface Filing {
  id: number;
  exporter_org_id: number;
  filing_no: string;
  province: string;
  approved_on: string;
  valid_until: string;
  customs_code: string;
  appraisers: { name: string; certificate_no?: string }[];
  status: string;
  in_force: boolean;
  renews_id: number | null;
  decision_reason: string;
  created_at: string;
}

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
  certificates: Record<string, unknown>[];
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
  notes: string;
}

export const staffFilings = (status: FilingStatusFilter) =>
  api.get<{ items: Filing[] }>(`/api/admin/export/filings?status=${status}`).then((r) => r.items);

/** Verify, or reject (the API's cancel) with a reason. */
export const decideFiling = (id: number, action: 'verify' | 'cancel', reason: string) =>
  api.post<Filing>(`/api/admin/export/filings/${id}/decision`, { action, reason });

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
