import { renderToString } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../../../lib/i18n';
import type { SettlementNotice } from '../api/notices';
import { NoticesView } from './NoticesPage';

const overdue: SettlementNotice = {
  id: 4, kind: 'overdue', invoice_id: 9, data: { number: 'HD-1', due_on: '2026-12-01' }, read_at: null,
  created_at: '2026-12-02T01:00:00Z', subject_zh: '付款已逾期', subject_en: 'Payment overdue',
  body_zh: '结算单 HD-1 已于 2026-12-01 到期未付，滞纳金按拍卖规则计收。', body_en: 'Invoice HD-1 was due on 2026-12-01 and is unpaid.',
};
const view = (items: SettlementNotice[]) => renderToString(<MemoryRouter><NoticesView items={items} /></MemoryRouter>);

describe('the notices page (server-rendered)', () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it('shows each notice in the reader’s language, new ones marked, with a link to the purchase', () => {
    setLocale('zh-CN');
    const zh = view([overdue]);
    expect(zh).toContain('付款已逾期');
    expect(zh).toContain('到期未付');
    expect(zh).toContain('href="/me/purchases"');
    setLocale('en');
    const en = view([overdue, { ...overdue, id: 5, read_at: '2026-12-03T00:00:00Z' }]);
    expect(en).toContain('Invoice HD-1 was due on 2026-12-01');
    expect(en.match(/notice unread/g)?.length).toBe(1);
  });

  it('says what will appear when there is nothing yet', () => {
    setLocale('en');
    expect(view([])).toContain('No notices yet');
  });
});
