/** What the buyer's invoice says about paying by card through Stripe's hosted checkout (pure: tested alone). */
import type { CardCheckoutState } from '../api/settlement';

export type CardNotice = {
  /** `pay`: offer the "Pay by card (Stripe)" button. */
  action: 'pay' | 'none';
  /** an i18n key: the hint beside the button, or why there is none */
  message:
    | 'settlement.card.hint'
    | 'settlement.card.noCny'
    | 'settlement.card.notConfigured'
    | 'settlement.card.noPayee'
    | 'settlement.card.processing'
    | 'settlement.card.paid'
    | null;
};

/**
 * Stripe settles no CNY for a business in mainland China: a CNY invoice is never offered the card, and says why,
 * whether or not Stripe is configured here. Another currency is offered the card when the rail is configured.
 */
export function cardNotice(currency: string, status: string, state: CardCheckoutState | null): CardNotice {
  const last = state?.checkout?.status;
  if (last === 'succeeded') return { action: 'none', message: 'settlement.card.paid' };
  if (status !== 'open') return { action: 'none', message: null };
  if (last === 'processing') return { action: 'none', message: 'settlement.card.processing' };
  if (currency === 'CNY' || state?.reason === 'card_currency_unsupported') return { action: 'none', message: 'settlement.card.noCny' };
  if (!state) return { action: 'none', message: null };
  if (state.available) return { action: 'pay', message: 'settlement.card.hint' };
  if (state.reason === 'card_rail_unavailable') return { action: 'none', message: 'settlement.card.notConfigured' };
  // The house takes card money into its own Stripe account only; without one the card is not offered at all.
  if (state.reason === 'card_payee_missing') return { action: 'none', message: 'settlement.card.noPayee' };
  return { action: 'none', message: null };
}

/** The `card` query parameter Stripe sends the payer back with (our success and cancel URLs). */
export function cardReturn(search: string): 'done' | 'cancelled' | null {
  const v = new URLSearchParams(search).get('card');
  return v === 'done' || v === 'cancelled' ? v : null;
}
