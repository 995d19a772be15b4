import { describe, expect, it } from 'vitest';
import { checkCounter, checkOffer } from './money-input';

describe('checkOffer', () => {
  const asking = 20_000_000; // 20 万元
  it('accepts an amount between half the asking price and the asking price', () => {
    expect(checkOffer('18.5', asking)).toEqual({ ok: true, fen: 18_500_000 });
    expect(checkOffer('20', asking)).toEqual({ ok: true, fen: asking });
    expect(checkOffer('10', asking)).toEqual({ ok: true, fen: 10_000_000 });
  });
  it('names the problem', () => {
    expect(checkOffer('x', asking)).toEqual({ ok: false, problem: 'format' });
    expect(checkOffer('20.0001', asking)).toEqual({ ok: false, problem: 'aboveAsking' });
    expect(checkOffer('9.9999', asking)).toEqual({ ok: false, problem: 'tooLow' });
  });
});

describe('checkCounter', () => {
  it('must be above the offer and not above the asking price', () => {
    expect(checkCounter('19', 18_000_000, 20_000_000)).toEqual({ ok: true, fen: 19_000_000 });
    expect(checkCounter('18', 18_000_000, 20_000_000)).toEqual({ ok: false, problem: 'notAbove' });
    expect(checkCounter('21', 18_000_000, 20_000_000)).toEqual({ ok: false, problem: 'aboveAsking' });
    expect(checkCounter('', 18_000_000, 20_000_000)).toEqual({ ok: false, problem: 'format' });
  });
});
