import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api-client';
import { searchProblems } from './search-problems';
import { EMPTY } from './search-params';

const refused = (detail: object) => new ApiError(422, 'validation_error', 'search parameters are invalid', [detail]);

describe('searchProblems', () => {
  it('names the refused filter, says why in the reader\'s language and offers the search without it', () => {
    const state = { ...EMPTY, q: '宝马', ranges: { year_min: 2020, year_max: 2010 }, page: 3 };
    const [p] = searchProblems(
      refused({ loc: ['query', 'year_min'], msg: 'year_min is greater than year_max', type: 'min_above_max', ctx: { max_field: 'year_max' } }),
      state,
      'zh-CN',
    );
    expect(p).toMatchObject({ field: 'year_min', label: 'listings.search.yearFrom', message: '下限不能高于上限。', fixKind: 'remove' });
    expect(p!.fix).toEqual({ ...state, ranges: { year_max: 2010 }, page: 1 });
  });

  it('words a price filter\'s limits as money', () => {
    const [p] = searchProblems(
      refused({ loc: ['query', 'price_max_fen'], msg: 'must be between 0 and 1000000000000', type: 'out_of_range', ctx: { min: 0, max: 1_000_000_000_000 } }),
      { ...EMPTY, ranges: { price_max_fen: 10 ** 13 } },
      'en',
    );
    expect(p!.message).toBe('Must be between CNY 0 and CNY 10,000,000,000.');
    expect(p!.fix.ranges).toEqual({});
  });

  it('takes a page beyond what is served back to the first page', () => {
    const [p] = searchProblems(
      refused({ loc: ['query', 'page'], msg: 'results beyond 10,000 are not served', type: 'page_too_deep', ctx: { max_results: 10_000, last_page: 500 } }),
      { ...EMPTY, page: 600 },
      'en',
    );
    expect(p).toMatchObject({ field: 'page', fixKind: 'firstPage', message: 'Only the first 10000 results are shown (up to page 500).' });
    expect(p!.fix.page).toBe(1);
  });

  it('is empty for anything but a refused search', () => {
    expect(searchProblems(new ApiError(500, 'internal_error', 'x'), EMPTY, 'en')).toEqual([]);
  });
});
