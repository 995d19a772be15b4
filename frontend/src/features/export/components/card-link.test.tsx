import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../../../lib/i18n';
import type { CardCheckoutState, Order } from '../api/export';
import { CardLinkView } from './OrderPage';

const order = { id: 1, currency: 'USD', fx_rate: '7.1234', vehicles: [] } as unknown as Order;
const view = (o: Order, state: CardCheckoutState | null) =>
  renderToString(<CardLinkView order={o} state={state} pending={false} error={null} onCreate={() => undefined} />);

describe("the order's card payment link (server-rendered)", () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it('offers to create a link, then shows the open page with its amount', () => {
    setLocale('en');
    const fresh = view(order, { available: true, reason: null, checkout: null });
    expect(fresh).toContain('data-testid="export-card-create"');
    const open = view(order, {
      available: true, reason: null,
      checkout: { operation_id: 3, status: 'open', amount_minor: 2_500_000, currency: 'USD', url: 'https://checkout.stripe.com/c/pay/cs_1' },
    }); // prettier-ignore
    expect(open).toContain('href="https://checkout.stripe.com/c/pay/cs_1"');
    expect(open).toContain('USD 25,000.00');
    expect(open).not.toContain('export-card-create');
    setLocale('zh-CN');
    expect(view(order, { available: true, reason: null, checkout: null })).toContain('生成银行卡付款链接');
  });

  it("explains an exporter without its own Stripe account: no link, the platform never takes the money", () => {
    setLocale('en');
    const html = view(order, { available: false, reason: 'card_payee_missing', checkout: null });
    expect(html).toContain('your own Stripe account');
    expect(html).not.toContain('export-card-create');
    setLocale('zh-CN');
    expect(view(order, { available: false, reason: 'card_payee_missing', checkout: null })).toContain('平台从不代收');
  });

  it('says why a CNY order or a site without Stripe has no link', () => {
    setLocale('en');
    const cny = view({ ...order, currency: 'CNY' }, { available: false, reason: 'card_currency_unsupported', checkout: null });
    expect(cny).toContain('Stripe settles no CNY');
    expect(cny).not.toContain('export-card-create');
    const none = view(order, { available: false, reason: 'card_rail_unavailable', checkout: null });
    expect(none).toContain('not configured on this site');
    setLocale('zh-CN');
    expect(view({ ...order, currency: 'CNY' }, null)).toContain('Stripe 不为中国大陆企业结算人民币');
  });

  it('shows a paid order', () => {
    setLocale('en');
    const paid = view(order, {
      available: false, reason: 'order_nothing_due',
      checkout: { operation_id: 3, status: 'succeeded', amount_minor: 2_500_000, currency: 'USD', url: null },
    }); // prettier-ignore
    expect(paid).toContain('The buyer paid USD 25,000.00 by card');
  });
});
