/**
 * A refused search in words: which filter is wrong, why, and the search without it, so the buyer is never left on
 * an error with no way back (a shared link with an impossible range, a page beyond what is served).
 */
import { isApiError, issueField, type ValidationIssue } from '../../../lib/api-client';
import { issueMessage } from '../../../lib/errors';
import type { Locale, MessageKey } from '../../../lib/i18n';
import { formatMoney } from '../../../lib/money';
import { LIST_FILTERS, RANGE_FILTERS, type SearchState } from './search-params';

export interface SearchProblem {
  field: string;
  /** The filter's label key, when the page has that filter. */
  label: MessageKey | null;
  message: string;
  /** The same search without the refused value. */
  fix: SearchState;
  fixKind: 'remove' | 'firstPage';
}

const LABELS: Partial<Record<string, MessageKey>> = {
  q: 'listings.search.title',
  year_min: 'listings.search.yearFrom',
  year_max: 'listings.search.yearTo',
  price_min_fen: 'listings.search.priceFrom',
  price_max_fen: 'listings.search.priceTo',
  mileage_max_km: 'listings.search.mileageMax',
  make: 'listings.facet.make',
  energy_type: 'listings.facet.energy_type',
  body_type: 'listings.facet.body_type',
  province: 'listings.facet.province',
  price_band: 'listings.facet.price_band',
  sort: 'listings.sort',
  page: 'listings.search.pageField',
};

function without(state: SearchState, field: string): SearchState {
  const next: SearchState = { ...state, lists: { ...state.lists }, ranges: { ...state.ranges }, page: 1 };
  if ((LIST_FILTERS as readonly string[]).includes(field)) delete next.lists[field as (typeof LIST_FILTERS)[number]];
  else if ((RANGE_FILTERS as readonly string[]).includes(field)) delete next.ranges[field as (typeof RANGE_FILTERS)[number]];
  else if (field === 'q') next.q = '';
  else if (field === 'sort') next.sort = 'relevance';
  return next;
}

/** Limits of a price filter arrive in fen: worded as money, like every amount the buyer reads. */
function readable(issue: ValidationIssue, field: string, locale: Locale): ValidationIssue {
  if (!field.endsWith('_fen') || !issue.ctx) return issue;
  const ctx = Object.fromEntries(
    Object.entries(issue.ctx).map(([k, v]) => [k, typeof v === 'number' && (k === 'min' || k === 'max') ? formatMoney(v, locale) : v]),
  );
  return { ...issue, ctx };
}

export function searchProblems(error: unknown, state: SearchState, locale: Locale): SearchProblem[] {
  if (!isApiError(error)) return [];
  return error.validationIssues.map((issue) => {
    const field = issueField(issue);
    const page = field === 'page' || field === 'per_page';
    return {
      field,
      label: LABELS[field] ?? null,
      message: issueMessage(readable(issue, field, locale), locale),
      fix: page ? { ...state, page: 1 } : without(state, field),
      fixKind: page ? 'firstPage' : 'remove',
    };
  });
}
