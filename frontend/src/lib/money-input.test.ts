import { describe, expect, it } from 'vitest';
import { fenToInput, moneyEcho, parseMoney } from './money-input';

describe('parseMoney in 万元', () => {
  it('turns 万元 into integer fen exactly', () => {
    expect(parseMoney('12', 'wan')).toBe(12_000_000);
    expect(parseMoney('12.8', 'wan')).toBe(12_800_000);
    expect(parseMoney(' 12.85 ', 'wan')).toBe(12_850_000);
    expect(parseMoney('0.0001', 'wan')).toBe(100); // one yuan
    expect(parseMoney('23.4567', 'wan')).toBe(23_456_700);
    expect(parseMoney('999999.9999', 'wan')).toBe(999_999_999_900);
    // 0.1 + 0.2 style float drift cannot happen: the decimals are digits, not a fraction of a float.
    expect(parseMoney('0.3', 'wan')).toBe(300_000);
    expect(parseMoney('19.99', 'wan')).toBe(19_990_000);
  });
  it('accepts what a Chinese IME types', () => {
    expect(parseMoney('１２．５', 'wan')).toBe(12_500_000);
    expect(parseMoney('12。5', 'wan')).toBe(12_500_000);
  });
  it('refuses what is not an amount in 万元', () => {
    for (const bad of ['', ' ', 'abc', '-1', '1.23456', '1e3', '0', '0.00', '.5', '1234567', '12.8万', '¥12', '1,0']) {
      expect(parseMoney(bad, 'wan'), bad).toBeUndefined();
    }
  });
});

describe('parseMoney in 元', () => {
  it('turns 元 into integer fen exactly, with or without grouping', () => {
    expect(parseMoney('1000', 'yuan')).toBe(100_000);
    expect(parseMoney('128,000', 'yuan')).toBe(12_800_000);
    expect(parseMoney('128，000.5', 'yuan')).toBe(12_800_050);
    expect(parseMoney('0.01', 'yuan')).toBe(1);
    expect(parseMoney('9999999999.99', 'yuan')).toBe(999_999_999_999);
  });
  it('allows zero only when asked', () => {
    expect(parseMoney('0', 'yuan')).toBeUndefined();
    expect(parseMoney('0', 'yuan', { allowZero: true })).toBe(0);
  });
  it('refuses what is not an amount in 元', () => {
    for (const bad of ['1.001', '12,34', '12345678901', '-5', '1 000']) {
      expect(parseMoney(bad, 'yuan'), bad).toBeUndefined();
    }
  });
});

describe('fenToInput', () => {
  it('is the inverse of parseMoney, exact and without trailing zeros', () => {
    expect(fenToInput(12_800_000, 'wan')).toBe('12.8');
    expect(fenToInput(12_000_000, 'wan')).toBe('12');
    expect(fenToInput(23_456_700, 'wan')).toBe('23.4567');
    expect(fenToInput(1, 'wan')).toBe('0.000001');
    expect(fenToInput(100_050, 'yuan')).toBe('1000.5');
    expect(fenToInput(7, 'yuan')).toBe('0.07');
    expect(fenToInput(undefined, 'wan')).toBe('');
    for (const fen of [100, 12_345_600, 999_999_999_900]) expect(parseMoney(fenToInput(fen, 'wan'), 'wan')).toBe(fen);
  });
});

describe('moneyEcho', () => {
  it('shows the other unit as it is typed', () => {
    expect(moneyEcho('12.8456', 'wan', 'zh-CN')).toBe('= ¥128,456');
    expect(moneyEcho('14', 'wan', 'zh-CN')).toBe('= ¥140,000');
    expect(moneyEcho('14', 'wan', 'en')).toBe('= CNY 140,000');
    expect(moneyEcho('5000', 'yuan', 'zh-CN')).toBe('= 0.50万元');
    expect(moneyEcho('128000', 'yuan', 'zh-CN')).toBe('= 12.80万元');
    expect(moneyEcho('128000', 'yuan', 'en')).toBe('= CNY 128,000');
  });
  it('says nothing while the text is not an amount', () => {
    expect(moneyEcho('', 'wan', 'zh-CN')).toBeNull();
    expect(moneyEcho('12.8x', 'wan', 'zh-CN')).toBeNull();
  });
});
