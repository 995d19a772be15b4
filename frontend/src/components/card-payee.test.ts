import { describe, expect, it } from 'vitest';
import { payeeSummary, type CardPayee, type CardPayeeState } from './card-payee';

const row = (status: CardPayee['status']): CardPayee => ({
  account: 'acct_1032D82eZvKYlo2C', status, reason: '', country: 'HK', default_currency: 'HKD', set_by_user_id: 1,
  set_at: '2026-12-01T00:00:00Z', verified_at: null,
}); // prettier-ignore
const state = (current: CardPayee | null, card_rail = true): CardPayeeState => ({ current, history: [], card_rail, refusal: null });

describe("the organisation's Stripe account", () => {
  it('says whether card payments go to it', () => {
    expect(payeeSummary(state(null))).toBe('payee.none');
    expect(payeeSummary(state(row('verified')))).toBe('payee.verified');
    expect(payeeSummary(state(row('unverified')))).toBe('payee.unverified');
    expect(payeeSummary(state(row('refused')))).toBe('payee.refused');
    expect(payeeSummary(state(row('verified'), false))).toBe('payee.noRail');
  });
});
