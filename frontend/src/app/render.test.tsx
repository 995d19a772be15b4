import { renderToString } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../lib/i18n';
import { setSessionUser } from '../lib/session';
import type { Me } from '../types/api';
import { AppRoutes } from './router';

const render = (path: string) =>
  renderToString(
    <MemoryRouter initialEntries={[path]}>
      <AppRoutes />
    </MemoryRouter>,
  );

const admin: Me = {
  id: 1,
  email: 'admin@example.com',
  mobile: null,
  display_name: '管理员',
  is_platform_admin: true,
  organisations: [{ id: 9, name: '好车行', kind: 'dealer', roles: ['dealer_admin'], verification_status: 'pending' }],
};

describe('app shell (server-rendered smoke test)', () => {
  const initial = getLocale();
  afterEach(() => {
    setLocale(initial);
    setSessionUser(null);
  });

  it('renders the home page with login links for visitors', () => {
    setSessionUser(null);
    setLocale('zh-CN');
    const html = render('/');
    expect(html).toContain('车拍通');
    expect(html).toContain('data-testid="nav-login"');
    expect(html).toContain('data-testid="lang-switch"');
    expect(html).not.toContain('data-testid="nav-account"');
    // What is live comes first; every feature on the home page is built (statistics link to their page).
    expect(html).toContain('正在拍卖与即将开拍');
    expect(html).toContain('最新上架');
    expect(html).not.toContain('即将上线');
    expect(html).toContain('href="/stats"');
    expect(html).toContain('href="/auctions"');
  });

  it('switches language', () => {
    setSessionUser(null);
    setLocale('en');
    expect(render('/')).toContain('Statistics');
  });

  it('shows account and admin links to a platform admin', () => {
    setSessionUser(admin);
    setLocale('en');
    const html = render('/account');
    expect(html).toContain('data-testid="nav-account"');
    expect(html).toContain('data-testid="nav-admin"');
    expect(html).toContain('data-testid="nav-logout"');
    expect(html).toContain('data-testid="me-display-name"');
    expect(html).toContain('data-testid="org-row-9"');
    expect(html).toContain('data-testid="org-status-9"');
    expect(html).toContain('Dealer admin');
  });

  it('renders the login form with labelled inputs', () => {
    setSessionUser(null);
    setLocale('en');
    const html = render('/login');
    expect(html).toMatch(/<label for="[^"]+">Email or mobile/);
    expect(html).toMatch(/<label for="[^"]+">Password/);
  });

  it('renders a 404 page for unknown paths', () => {
    setLocale('zh-CN');
    const html = render('/no/such/page');
    expect(html).toContain('data-testid="not-found"');
    expect(html).toContain('页面不存在');
  });
});
