/** The buyer search's state lives in the URL, so a search can be shared; this maps one to the other. */

export const LIST_FILTERS = ['make', 'energy_type', 'body_type', 'province', 'price_band'] as const;
export const RANGE_FILTERS = ['year_min', 'year_max', 'price_min_fen', 'price_max_fen', 'mileage_max_km'] as const;
export const SORTS = ['relevance', 'price_asc', 'price_desc', 'mileage_asc', 'year_desc', 'newest'] as const;
export type Sort = (typeof SORTS)[number];

export interface SearchState {
  q: string;
  lists: Partial<Record<(typeof LIST_FILTERS)[number], string[]>>;
  ranges: Partial<Record<(typeof RANGE_FILTERS)[number], number>>;
  noAccident: boolean;
  sort: Sort;
  page: number;
}

export const EMPTY: SearchState = { q: '', lists: {}, ranges: {}, noAccident: false, sort: 'relevance', page: 1 };

export function parseSearch(params: URLSearchParams): SearchState {
  const state: SearchState = { ...EMPTY, lists: {}, ranges: {} };
  state.q = params.get('q') ?? '';
  for (const f of LIST_FILTERS) {
    const raw = params.get(f);
    if (raw) state.lists[f] = raw.split(',').filter(Boolean);
  }
  for (const f of RANGE_FILTERS) {
    const raw = params.get(f);
    if (raw !== null && raw !== '' && /^\d+$/.test(raw)) state.ranges[f] = Number(raw);
  }
  state.noAccident = params.get('no_accident') === 'true';
  const sort = params.get('sort');
  state.sort = (SORTS as readonly string[]).includes(sort ?? '') ? (sort as Sort) : 'relevance';
  const page = Number(params.get('page'));
  state.page = Number.isInteger(page) && page > 1 ? page : 1;
  return state;
}

/** The query for both the URL and the API (they are the same on purpose). */
export function toQuery(state: SearchState): Record<string, string> {
  const out: Record<string, string> = {};
  if (state.q.trim()) out.q = state.q.trim();
  for (const f of LIST_FILTERS) {
    const values = state.lists[f];
    if (values && values.length) out[f] = values.join(',');
  }
  for (const f of RANGE_FILTERS) {
    const v = state.ranges[f];
    if (v !== undefined) out[f] = String(v);
  }
  if (state.noAccident) out.no_accident = 'true';
  if (state.sort !== 'relevance') out.sort = state.sort;
  if (state.page > 1) out.page = String(state.page);
  return out;
}

export function toggle(state: SearchState, field: (typeof LIST_FILTERS)[number], value: string): SearchState {
  const current = state.lists[field] ?? [];
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  return { ...state, lists: { ...state.lists, [field]: next }, page: 1 };
}
