/** Saved searches keep the server's SearchIn; the search page keeps its state in the URL. These map between them. */
import type { SavedQuery } from '../api/listings';
import { LIST_FILTERS, RANGE_FILTERS, type SearchState } from './search-params';

/** The body's `query` for POST /api/me/saved-searches: the filters only (page and sort are not part of a search). */
export function toSavedQuery(state: SearchState): Partial<SavedQuery> {
  const out: Partial<SavedQuery> = {};
  if (state.q.trim()) out.q = state.q.trim();
  for (const f of LIST_FILTERS) {
    const values = state.lists[f];
    if (values && values.length) out[f] = values.join(',');
  }
  for (const f of RANGE_FILTERS) {
    const v = state.ranges[f];
    if (v !== undefined) out[f] = v;
  }
  if (state.noAccident) out.no_accident = true;
  return out;
}

/** True when the search has nothing to save (it would alert on every new listing). */
export function isEmptySearch(state: SearchState): boolean {
  return Object.keys(toSavedQuery(state)).length === 0;
}

/** The search page's URL query for a saved search (the URL and the API take the same names). */
export function savedQueryToParams(query: Partial<SavedQuery>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '' || value === false) continue;
    params.set(key, String(value));
  }
  return params;
}

export function searchUrl(query: Partial<SavedQuery>): string {
  const qs = savedQueryToParams(query).toString();
  return qs ? `/listings?${qs}` : '/listings';
}
