import { describe, expect, it } from 'vitest';
import { checkCounter, checkOffer, parseWan } from './money-input';

describe('parseWan', () => {
  it('turns 万元 into integer fen exactly', () => {
    expect(parseWan('12')).toBe(12_000_000);
    expect(parseWan('12.8')).toBe(12_800_000);
    expect(parseWan(' 12.85 ')).toBe(12_850_000);
    expect(parseWan('0.0001')).toBe(100); // one yuan
    expect(parseWan('23.4567')).toBe(23_456_700);
    expect(parseWan('999999.9999')).toBe(999_999_999_900);
    expect(parseWan('12．5')).toBe(12_500_000); // full-width point from a Chinese IME
  });

  it('refuses what is not an amount', () => {
    for (const bad of ['', ' ', 'abc', '-1', '1.23456', '1,000', '1e3', '0', '0.00', '.5', '1234567']) {
      expect(parseWan(bad), bad).toBeUndefined();
    }
  });
});

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
