import { renderToString } from 'react-dom/server';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../../lib/i18n';
import { setSessionUser } from '../../lib/session';
import type { Me } from '../../types/api';
import { DealerOffersRoute, ListingsSearchRoute, MyOffersRoute, SavedSearchesRoute, WatchlistRoute } from './pages';

const buyer: Me = {
  id: 5,
  email: 'buyer@example.cn',
  mobile: null,
  display_name: '买家',
  is_platform_admin: false,
  organisations: [],
};

const dealer: Me = {
  ...buyer,
  id: 6,
  organisations: [{ id: 3, name: '车商', kind: 'dealer', roles: ['dealer_admin'], verification_status: 'verified' }],
};

const render = (path: string) =>
  renderToString(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route path="listings" element={<ListingsSearchRoute />} />
        <Route path="me/watchlist" element={<WatchlistRoute />} />
        <Route path="me/searches" element={<SavedSearchesRoute />} />
        <Route path="me/offers" element={<MyOffersRoute />} />
        <Route path="dealer/offers" element={<DealerOffersRoute />} />
      </Routes>
    </MemoryRouter>,
  );

describe('listings pages (server-rendered smoke test)', () => {
  const initial = getLocale();
  afterEach(() => {
    setLocale(initial);
    setSessionUser(null);
  });

  it('titles the buyer pages in Chinese', () => {
    setSessionUser(buyer);
    setLocale('zh-CN');
    expect(render('/me/watchlist')).toContain('我的收藏');
    expect(render('/me/searches')).toContain('订阅搜索');
    expect(render('/me/offers')).toContain('我的出价');
  });

  it('titles the dealer-wide offers page, with a status filter, and sends a buyer without a dealer away', () => {
    setLocale('zh-CN');
    setSessionUser(dealer);
    const html = render('/dealer/offers');
    expect(html).toContain('收到的出价');
    expect(html).toContain('data-testid="dealer-offers-status"');
    expect(html).toContain('已还价');
    setSessionUser(buyer);
    expect(render('/dealer/offers')).not.toContain('data-testid="dealer-offers-status"');
  });

  it('offers a signed-in buyer to save a search, and a visitor to sign in first', () => {
    setLocale('en');
    setSessionUser(buyer);
    const html = render('/listings?q=%E5%AE%9D%E9%A9%AC');
    expect(html).toContain('data-testid="save-search"');
    expect(html).toContain('Save this search');
    setSessionUser(null);
    const visitor = render('/listings?q=%E5%AE%9D%E9%A9%AC');
    expect(visitor).not.toContain('data-testid="save-search"');
    expect(visitor).toContain('Sign in to save this search.');
  });

  it('does not let an empty search be saved', () => {
    setLocale('en');
    setSessionUser(buyer);
    const button = (html: string) => /<button[^>]*data-testid="save-search"[^>]*>/.exec(html)?.[0] ?? '';
    expect(button(render('/listings?sort=price_asc'))).toContain('disabled=""');
    expect(button(render('/listings?energy_type=bev'))).not.toContain('disabled');
  });
});
