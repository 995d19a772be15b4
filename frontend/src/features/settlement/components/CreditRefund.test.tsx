import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../../../lib/i18n';
import type { Credit } from '../api/refunds';
import { CreditRefundView } from './CreditRefund';

const credit: Credit = { house_org_id: 7, house_name: '华东拍卖', currency: 'CNY', balance_fen: 5_000_000, refundable_fen: 5_000_000, request_open: false };
const view = (credits: Credit[]) => renderToString(<CreditRefundView credits={credits} pending={false} onRequest={() => undefined} />);

describe("the buyer's credit and its refund request (server-rendered)", () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it('offers the request where the buyer holds a credit, in both languages', () => {
    setLocale('en');
    expect(view([credit])).toContain('Request refund of credit');
    setLocale('zh-CN');
    expect(view([credit])).toContain('申请退还余额');
  });

  it('names the house the buyer knows, not its id', () => {
    setLocale('en');
    expect(view([credit])).toContain('华东拍卖: ');
    expect(view([credit])).not.toContain('House 7');
  });

  it('shows an open request instead of a second button, and nothing without a credit', () => {
    setLocale('en');
    const open = view([{ ...credit, refundable_fen: 0, request_open: true }]);
    expect(open).toContain('Refund requested');
    expect(open).not.toContain('<button');
    expect(view([])).toBe('');
  });
});
