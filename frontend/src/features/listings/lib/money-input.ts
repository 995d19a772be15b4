/**
 * The offer rules checked before sending. Amounts are typed in 万元, as every car price is (lib/money-input.ts):
 * up to four decimals, exact to the yuan.
 */
import { parseMoney } from '../../../lib/money-input';

export type OfferProblem = 'format' | 'aboveAsking' | 'tooLow';
export type CounterProblem = 'format' | 'notAbove' | 'aboveAsking';

export type Checked<P> = { ok: true; fen: number } | { ok: false; problem: P };

/** The rules of listings/domain/offers.py, checked before sending: between half the asking price and the asking price. */
export function checkOffer(text: string, askingFen: number): Checked<OfferProblem> {
  const fen = parseMoney(text, 'wan');
  if (fen === undefined) return { ok: false, problem: 'format' };
  if (fen > askingFen) return { ok: false, problem: 'aboveAsking' };
  if (fen * 2 < askingFen) return { ok: false, problem: 'tooLow' };
  return { ok: true, fen };
}

/** A counter-offer is above the buyer's offer (the API's rule) and not above the asking price (ours). */
export function checkCounter(text: string, offerFen: number, askingFen: number): Checked<CounterProblem> {
  const fen = parseMoney(text, 'wan');
  if (fen === undefined) return { ok: false, problem: 'format' };
  if (fen <= offerFen) return { ok: false, problem: 'notAbove' };
  if (fen > askingFen) return { ok: false, problem: 'aboveAsking' };
  return { ok: true, fen };
}
