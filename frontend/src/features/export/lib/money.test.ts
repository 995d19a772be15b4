import { describe, expect, it } from 'vitest';
import { cnyEquivalent, formatMinor, minorDigits, minorToDecimal, minorToFen, parseRate } from './money';

describe('order money', () => {
  it('knows the minor units of each currency', () => {
    expect(minorDigits('USD')).toBe(2);
    expect(minorDigits('jpy')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
  });

  it('writes minor units as an exact decimal', () => {
    expect(minorToDecimal(123456, 2)).toBe('1234.56');
    expect(minorToDecimal(-5, 2)).toBe('-0.05');
    expect(minorToDecimal(1500000, 0)).toBe('1500000');
    expect(minorToDecimal(9007199254740993n, 2)).toBe('90071992547409.93');
  });

  it('formats in the order currency without float drift', () => {
    expect(formatMinor(1234560, 'USD', 'en')).toBe('USD 12,345.60');
    expect(formatMinor(1500000, 'JPY', 'en')).toBe('JPY 1,500,000');
    expect(formatMinor(9007199254740993n, 'USD', 'en')).toBe('USD 90,071,992,547,409.93');
    expect(formatMinor(1234560, 'USD', 'zh-CN')).toContain('12,345.60');
  });

  it('refuses what is not integer minor units or a plain rate', () => {
    expect(() => formatMinor(1.5, 'USD', 'en')).toThrow(RangeError);
    expect(() => parseRate('7,12')).toThrow(RangeError);
    expect(() => parseRate('-7')).toThrow(RangeError);
    expect(parseRate('7.1234')).toEqual({ scaled: 71234n, scale: 4 });
  });

  it('converts at the fixed rate, rounding half-up on the magnitude', () => {
    // 12,345.60 USD × 7.1234 = 87,942.64704 元 → 87,942.65
    expect(minorToFen(1234560, 'USD', '7.1234')).toBe(8794265n);
    expect(minorToFen(-1234560, 'USD', '7.1234')).toBe(-8794265n);
    // 1,500,000 JPY × 0.0478 = 71,700 元
    expect(minorToFen(1500000, 'JPY', '0.0478')).toBe(7170000n);
    // exactly half a fen goes up: 0.02 USD × 7.25 = 14.5 fen → 15
    expect(minorToFen(2, 'USD', '7.25')).toBe(15n);
  });

  it('writes the CNY equivalent in 万元 in Chinese and none for a CNY order', () => {
    expect(cnyEquivalent(1234560, 'USD', '7.1234', 'zh-CN')).toBe('8.79万元');
    expect(cnyEquivalent(1234560, 'USD', '7.1234', 'en')).toBe('CNY 87,942.65');
    expect(cnyEquivalent(100, 'CNY', '1', 'zh-CN')).toBeNull();
  });
});
