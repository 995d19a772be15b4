/**
 * Amounts typed in 万元 (the unit buyers and dealers quote car prices in) → integer fen for the API.
 * Up to four decimals are accepted, which is exact to the yuan (1 万元 = 10,000 元 = 1,000,000 fen);
 * no float ever enters the arithmetic.
 */

const FEN_PER_WAN = 1_000_000;

export function parseWan(text: string): number | undefined {
  const m = /^\s*(\d{1,6})(?:[.．](\d{1,4}))?\s*$/.exec(text);
  if (!m) return undefined;
  const fen = Number(m[1]) * FEN_PER_WAN + Number((m[2] ?? '').padEnd(4, '0')) * 100;
  return fen > 0 ? fen : undefined;
}

export type OfferProblem = 'format' | 'aboveAsking' | 'tooLow';
export type CounterProblem = 'format' | 'notAbove' | 'aboveAsking';

export type Checked<P> = { ok: true; fen: number } | { ok: false; problem: P };

/** The rules of listings/domain/offers.py, checked before sending: between half the asking price and the asking price. */
export function checkOffer(text: string, askingFen: number): Checked<OfferProblem> {
  const fen = parseWan(text);
  if (fen === undefined) return { ok: false, problem: 'format' };
  if (fen > askingFen) return { ok: false, problem: 'aboveAsking' };
  if (fen * 2 < askingFen) return { ok: false, problem: 'tooLow' };
  return { ok: true, fen };
}

/** A counter-offer is above the buyer's offer (the API's rule) and not above the asking price (ours). */
export function checkCounter(text: string, offerFen: number, askingFen: number): Checked<CounterProblem> {
  const fen = parseWan(text);
  if (fen === undefined) return { ok: false, problem: 'format' };
  if (fen <= offerFen) return { ok: false, problem: 'notAbove' };
  if (fen > askingFen) return { ok: false, problem: 'aboveAsking' };
  return { ok: true, fen };
}
