import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { checkoutReturn } from '../pages';
import { PaymentState } from './ConsigneePage';

const payment = { currency: 'USD', total_minor: 2_500_000, paid_minor: 0, due_minor: 2_500_000, card_status: null };

describe("the foreign buyer's page back from Stripe", () => {
  it('reads the session Stripe filled into the return address', () => {
    expect(checkoutReturn('?card=done&session_id=cs_test_a1')).toEqual({ card: 'done', session: 'cs_test_a1' });
    expect(checkoutReturn('?card=cancelled')).toEqual({ card: 'cancelled', session: '' });
    expect(checkoutReturn('?card=done&session_id=pi_1')).toEqual({ card: 'done', session: '' });
    expect(checkoutReturn('')).toEqual({ card: null, session: '' });
  });

  it("shows the order's payment: received before it is recorded, then paid", () => {
    const received = renderToString(<PaymentState payment={{ ...payment, card_status: 'succeeded' }} back />);
    expect(received).toContain('USD 0.00 of USD 25,000.00 paid');
    expect(received).toContain('card payment was received');
    const paid = renderToString(<PaymentState payment={{ ...payment, paid_minor: 2_500_000, due_minor: 0, card_status: 'succeeded' }} back />);
    expect(paid).toContain('the order is paid');
    expect(paid).not.toContain('still due');
  });

  it('says a payment left unfinished was not made', () => {
    const open = renderToString(<PaymentState payment={{ ...payment, card_status: 'open' }} back />);
    expect(open).toContain('was not completed');
    expect(renderToString(<PaymentState payment={{ ...payment, card_status: 'open' }} back={false} />)).not.toContain('was not completed');
  });
});
