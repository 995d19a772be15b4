import { describe, expect, it } from 'vitest';
import type { CardCheckoutState } from '../api/settlement';
import { cardNotice, cardReturn } from './card-checkout';

const offered: CardCheckoutState = { available: true, reason: null, currencies: ['EUR', 'HKD', 'USD'], checkout: null };
const session = (status: string) => ({ operation_id: 1, status, amount_minor: 100_000, currency: 'USD', url: null });

describe('the card rail on an invoice', () => {
  it('offers the button for an open USD invoice when Stripe is configured', () => {
    expect(cardNotice('USD', 'open', offered)).toEqual({ action: 'pay', message: 'settlement.card.hint' });
  });

  it('never offers the card for CNY, and says why, configured or not', () => {
    expect(cardNotice('CNY', 'open', offered)).toEqual({ action: 'none', message: 'settlement.card.noCny' });
    expect(cardNotice('CNY', 'open', null)).toEqual({ action: 'none', message: 'settlement.card.noCny' });
    const refused = { ...offered, available: false, reason: 'card_currency_unsupported' };
    expect(cardNotice('JPY', 'open', refused)).toEqual({ action: 'none', message: 'settlement.card.noCny' });
  });

  it('explains a site without Stripe, and stays quiet until it knows', () => {
    const none = { available: false, reason: 'card_rail_unavailable', currencies: [], checkout: null };
    expect(cardNotice('EUR', 'open', none)).toEqual({ action: 'none', message: 'settlement.card.notConfigured' });
    expect(cardNotice('EUR', 'open', null)).toEqual({ action: 'none', message: null });
  });

  it('explains a house without its own Stripe account: the platform never takes the money', () => {
    const noPayee = { available: false, reason: 'card_payee_missing', currencies: ['EUR', 'HKD', 'USD'], checkout: null };
    expect(cardNotice('USD', 'open', noPayee)).toEqual({ action: 'none', message: 'settlement.card.noPayee' });
  });

  it('shows a payment clearing or done instead of a second button', () => {
    expect(cardNotice('USD', 'open', { ...offered, checkout: session('processing') }).message).toBe('settlement.card.processing');
    expect(cardNotice('USD', 'paid', { ...offered, available: false, reason: 'invoice_not_open', checkout: session('succeeded') })).toEqual({
      action: 'none',
      message: 'settlement.card.paid',
    });
    expect(cardNotice('USD', 'void', offered)).toEqual({ action: 'none', message: null });
    // an expired page gives way to a new one: the button again
    expect(cardNotice('USD', 'open', { ...offered, checkout: session('canceled') }).action).toBe('pay');
  });

  it('reads where Stripe sent the payer back', () => {
    expect(cardReturn('?invoice=3&card=done&session_id=cs_1')).toBe('done');
    expect(cardReturn('?invoice=3&card=cancelled')).toBe('cancelled');
    expect(cardReturn('?card=other')).toBeNull();
    expect(cardReturn('')).toBeNull();
  });
});
