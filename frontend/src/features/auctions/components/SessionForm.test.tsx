import { renderToString } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../../../lib/i18n';
import { setSessionUser } from '../../../lib/session';
import type { Me } from '../../../types/api';
import { SessionForm } from './SessionForm';
import { percentText } from './TermsSummary';

const user = (org: Me['organisations'][number]): Me => ({
  id: 1, email: 'a@example.cn', mobile: null, display_name: '拍卖师', is_platform_admin: false, organisations: [org],
});
const house = { id: 7, name: '甬城拍卖', kind: 'auction_house' as const, roles: ['auctioneer'], verification_status: 'verified' as const };
const render = () =>
  renderToString(
    <MemoryRouter>
      <SessionForm />
    </MemoryRouter>,
  );

describe('new session form', () => {
  const initial = getLocale();
  afterEach(() => {
    setLocale(initial);
    setSessionUser(null);
  });

  it('renders the ladder and premium editors in Chinese for house staff', () => {
    setSessionUser(user(house));
    setLocale('zh-CN');
    const html = render();
    for (const text of ['新建拍卖会', '加价幅度', '买方佣金', '保证金（元）', '竞买额度（元）', '延时窗口（秒）', '保留价确认期限（分钟）', '甬城拍卖'])
      expect(html).toContain(text);
    expect(html).toContain('data-testid="ladder-start-2"');
    expect(html).toContain('data-testid="premium-percent-0"');
  });

  it('shows live-only fields for an on-site kind only (the default is online)', () => {
    setSessionUser(user(house));
    setLocale('en');
    const html = render();
    expect(html).toContain('Soft-close window (seconds)');
    expect(html).not.toContain('Live countdown');
  });

  it('tells a user without a verified house why they cannot create sessions', () => {
    setSessionUser(user({ ...house, verification_status: 'pending' }));
    setLocale('en');
    const html = render();
    expect(html).toContain('data-testid="no-house"');
    expect(html).not.toContain('data-testid="session-form"');
  });
});

describe('premium percentages', () => {
  it('shows basis points as a percentage without floats', () => {
    expect(percentText(500)).toBe('5');
    expect(percentText(250)).toBe('2.5');
    expect(percentText(25)).toBe('0.25');
    expect(percentText(10_000)).toBe('100');
  });
});
