import { describe, expect, it } from 'vitest';
import { EMPTY, parseSearch, toggle, toQuery } from './search-params';

describe('search params', () => {
  it('round-trips through the URL', () => {
    const state = {
      ...EMPTY,
      q: '宝马 3系',
      lists: { make: ['宝马', '奔驰'], energy_type: ['bev'] },
      ranges: { year_min: 2018, price_max_fen: 30_000_000 },
      noAccident: true,
      sort: 'price_asc' as const,
      page: 3,
    };
    const params = new URLSearchParams(toQuery(state));
    expect(parseSearch(params)).toEqual(state);
  });

  it('ignores junk in the URL', () => {
    const s = parseSearch(new URLSearchParams('sort=random&page=-2&year_min=abc&make='));
    expect(s).toEqual(EMPTY);
  });

  it('toggles a facet value and goes back to page 1', () => {
    const s = toggle({ ...EMPTY, page: 4 }, 'make', '宝马');
    expect(s.lists.make).toEqual(['宝马']);
    expect(s.page).toBe(1);
    expect(toggle(s, 'make', '宝马').lists.make).toEqual([]);
  });
});
