import { api } from '../../../lib/api-client';

export interface Tally {
  units: number;
  turnover_fen: number;
}

export interface RankRow {
  rank: number;
  house: string;
  units: number;
  turnover_fen: number;
  previous_rank: number | null;
}

/** A report document: money in integer fen, ratios as fractions (0.5652 = 56.52 %), growth as fractions. */
export interface StatsReport {
  period: string;
  year?: number;
  version: number | null;
  preview?: boolean;
  embargo_until?: string;
  turnover_fen: number;
  units: number;
  average_fen: number | null;
  houses_active: number;
  units_20wan_plus_share: number | null;
  transfer_ratio: number | null;
  transfer_in_province: number | null;
  transfer_cross_province: number | null;
  transfer_unknown: number;
  bev_units: number;
  bev_turnover_fen: number;
  energy: Record<string, Tally>;
  sessions: number;
  online_sessions: number;
  online_share: number | null;
  price_bands_units: Record<string, number>;
  top30_units: RankRow[];
  top30_turnover: RankRow[];
  monthly: Record<string, Tally>;
  monthly_yoy: Record<string, number | null>;
  /** A suppressed small cell reads { units: null, turnover_fen: null, status: 'Q' }. */
  provinces: Record<string, { units: number | null; turnover_fen: number | null; status?: 'Q' }>;
  yoy: {
    turnover: number | null;
    units: number | null;
    average: number | null;
    bev_units: number | null;
    bev_turnover: number | null;
    transfer_ratio_pp: number | null;
    online_share_pp: number | null;
  };
  revision_note?: { path: string; old: unknown; new: unknown }[];
}

export interface CalendarEntry {
  period: string;
  version: number;
  embargo_until: string;
  published: boolean;
  comment: string;
  changes: number;
}

export interface RowError {
  line: number;
  column: string;
  reason: string;
  value: string;
}

export interface ImportResult {
  rows_read: number;
  created: number;
  updated: number;
  unchanged: number;
  error_count: number;
  warning_count: number;
  errors: RowError[];
  warnings: { code: string; subject: string; detail: string }[];
  imported: boolean;
  submission_id: number | null;
  status: string | null;
}

export interface Submission {
  id: number;
  source: string;
  status: 'received' | 'approved' | 'correction_requested';
  sessions_rows: number;
  sales_rows: number;
  rows_unchanged: number;
  warnings: { code: string; subject: string; detail: string }[];
  comment: string;
  created_at: string;
  decided_at: string | null;
}

export const getAnnual = (year: number, opts: { version?: number; preview?: boolean } = {}) =>
  api.get<StatsReport>(`/api/stats/annual/${year}`, { query: { version: opts.version, preview: opts.preview || undefined } });
export const getCalendar = () => api.get<{ items: CalendarEntry[] }>('/api/stats/releases');
export const getSubmissions = () => api.get<{ items: Submission[] }>('/api/stats/submissions');
export const decideSubmission = (id: number, decision: 'approve' | 'request_correction', comment: string) =>
  api.post<Submission>(`/api/stats/submissions/${id}/decision`, { decision, comment });
export const publishRelease = (period: string, embargoUntil: string | null, comment: string) =>
  api.post<CalendarEntry>('/api/stats/releases', { period, embargo_until: embargoUntil || undefined, comment });

/** Submits one file; the body is the raw bytes (CSV or XLSX). */
export function submitFile(kind: 'sessions' | 'sales', file: File, approve: boolean, goodRowsOnly: boolean) {
  const format = /\.xlsx$/i.test(file.name) ? 'xlsx' : 'csv';
  return api.post<ImportResult>('/api/stats/imports', undefined, {
    query: { file: kind, format, approve, good_rows_only: goodRowsOnly },
    raw: { data: file, contentType: format === 'csv' ? 'text/csv' : 'application/octet-stream' },
  });
}

export const downloads = (year: number, version: number) => ({
  xlsx: `/api/stats/annual/${year}.xlsx?version=${version}`,
  csv: (table: string) => `/api/stats/annual/${year}/${table}.csv?version=${version}`,
  atom: '/api/stats/feed.atom',
});

// --- monthly returns (月报) and the desk's month view ------------------------------------------------------

export const PRICE_BANDS = ['<5万', '5-10万', '10-20万', '≥20万'] as const;

export interface ReturnFigures {
  month: string;
  sessions_online: number;
  sessions_onsite: number;
  units: number;
  turnover_fen: number;
  bev_units: number;
  bev_turnover_fen: number;
  transfer_in_province: number;
  transfer_cross_province: number;
  units_by_band: Record<string, number>;
}

export interface MonthlyReturn extends ReturnFigures {
  id: number;
  house_id: number;
  house: string;
  submission_id: number;
  status: Submission['status'];
  comment: string;
  updated_at: string;
  changed: boolean;
}

export interface ReviewComment {
  id: number;
  author_user_id: number;
  author_role: 'analyst' | 'house';
  text: string;
  created_at: string;
}

export interface MonthView {
  house: { id: number; name: string; province: string; city: string; on_platform: boolean };
  month: string;
  figures: {
    units: number;
    turnover_fen: number;
    by_source: Record<string, Tally>;
    undone: number;
    transfer_unknown: number;
    sessions: Record<string, number>;
    return: (Omit<ReturnFigures, 'month'> & { submission_id: number; status: Submission['status'] }) | null;
  };
  year_earlier: { month: string; units: number; turnover_fen: number };
  outlier_factor: number;
  outliers: { measure: 'units' | 'turnover_fen'; value: number; year_earlier: number; flagged: boolean }[];
  warning_count: number;
  warnings: { code: string; subject: string; detail: string }[];
  submissions: { id: number; source: string; status: Submission['status']; comment: string; created_at: string }[];
  comments: ReviewComment[];
}

export const submitReturn = (figures: ReturnFigures, houseId?: number) =>
  api.post<MonthlyReturn>('/api/stats/returns', { ...figures, house_id: houseId });
export const getReturns = () => api.get<{ items: MonthlyReturn[] }>('/api/stats/returns');
export const getMonthView = (houseId: number, month: string) =>
  api.get<MonthView>(`/api/stats/desk/houses/${houseId}/months/${month}`);
export const addComment = (houseId: number, month: string, text: string) =>
  api.post<ReviewComment>(`/api/stats/desk/houses/${houseId}/months/${month}/comments`, { text });
export const decideMonth = (
  houseId: number,
  month: string,
  submissionId: number,
  decision: 'approve' | 'request_correction',
  comment: string,
) =>
  api.post<{ id: number; status: string; comment: string }>(`/api/stats/desk/houses/${houseId}/months/${month}/decision`, {
    submission_id: submissionId,
    decision,
    comment,
  });
