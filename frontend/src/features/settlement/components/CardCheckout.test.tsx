import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../../../lib/i18n';
import type { CardCheckoutState, Invoice } from '../api/settlement';
import { CardCheckoutView } from './CardCheckout';

const invoice = { id: 5, number: 'INV-5', currency: 'USD', status: 'open' } as unknown as Invoice;
const offered: CardCheckoutState = { available: true, reason: null, currencies: ['EUR', 'HKD', 'USD'], checkout: null };
const view = (inv: Invoice, state: CardCheckoutState | null) =>
  renderToString(<CardCheckoutView invoice={inv} state={state} pending={false} onPay={() => undefined} />);

describe("the buyer's card button (server-rendered)", () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it('offers Stripe for a USD invoice, in both languages', () => {
    setLocale('en');
    const en = view(invoice, offered);
    expect(en).toContain('data-testid="card-checkout-pay"');
    expect(en).toContain('Pay by card (Stripe)');
    expect(en).toContain('in USD on Stripe');
    setLocale('zh-CN');
    expect(view(invoice, offered)).toContain('银行卡支付（Stripe）');
  });

  it('explains why a CNY invoice has no card button', () => {
    setLocale('en');
    const cny = view({ ...invoice, currency: 'CNY' }, null);
    expect(cny).not.toContain('card-checkout-pay');
    expect(cny).toContain('Stripe settles no CNY for a business in mainland China');
    setLocale('zh-CN');
    expect(view({ ...invoice, currency: 'CNY' }, null)).toContain('Stripe 不为中国大陆企业结算人民币');
  });

  it('renders nothing for a paid invoice never paid by card', () => {
    expect(view({ ...invoice, status: 'paid' }, { ...offered, available: false, reason: 'invoice_not_open' })).toBe('');
  });
});
