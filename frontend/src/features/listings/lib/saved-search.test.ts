import { describe, expect, it } from 'vitest';
import type { SavedQuery } from '../api/listings';
import { isEmptySearch, savedQueryToParams, searchUrl, toSavedQuery } from './saved-search';
import { EMPTY, parseSearch, toQuery } from './search-params';

describe('toSavedQuery', () => {
  it('keeps the filters, typed as the API expects, and drops page and sort', () => {
    const state = parseSearch(
      new URLSearchParams('q=宝马 3系&make=宝马,奔驰&energy_type=bev&price_max_fen=10000000&year_min=2019&no_accident=true&sort=price_asc&page=3'),
    );
    expect(toSavedQuery(state)).toEqual({
      q: '宝马 3系',
      make: '宝马,奔驰',
      energy_type: 'bev',
      price_max_fen: 10_000_000,
      year_min: 2019,
      no_accident: true,
    });
  });

  it('says when there is nothing to save', () => {
    expect(isEmptySearch(EMPTY)).toBe(true);
    expect(isEmptySearch({ ...EMPTY, sort: 'price_asc', page: 2 })).toBe(true);
    expect(isEmptySearch({ ...EMPTY, q: ' ' })).toBe(true);
    expect(isEmptySearch({ ...EMPTY, noAccident: true })).toBe(false);
  });
});

describe('savedQueryToParams', () => {
  const saved: SavedQuery = {
    q: 'Model Y',
    make: '',
    model: '',
    energy_type: 'bev',
    body_type: '',
    transmission: '',
    emission_standard: '',
    province: '浙江',
    city: '',
    price_band: '',
    year_min: null,
    year_max: null,
    price_min_fen: 5_000_000,
    price_max_fen: null,
    mileage_min_km: null,
    mileage_max_km: 60_000,
    transfers_max: null,
    no_accident: false,
  };

  it('leaves defaults out, so the link is the search page URL of the same search', () => {
    expect(Object.fromEntries(savedQueryToParams(saved))).toEqual({
      q: 'Model Y',
      energy_type: 'bev',
      province: '浙江',
      price_min_fen: '5000000',
      mileage_max_km: '60000',
    });
  });

  it('round-trips through the search page state', () => {
    const state = parseSearch(new URLSearchParams('q=BMW&make=宝马&year_max=2022&no_accident=true'));
    const again = parseSearch(savedQueryToParams(toSavedQuery(state)));
    expect(toQuery(again)).toEqual(toQuery(state));
  });

  it('builds the rerun link', () => {
    expect(searchUrl({})).toBe('/listings');
    expect(searchUrl({ q: '宝马', no_accident: true })).toBe('/listings?q=%E5%AE%9D%E9%A9%AC&no_accident=true');
  });
});
