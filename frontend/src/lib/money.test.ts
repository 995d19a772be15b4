import { describe, expect, it } from 'vitest';
import { formatCny, formatExact, formatMoney, formatMoneyExact, formatWan, formatYi, formatYuan, roundToHundredths, toFen } from './money';

describe('formatYuan', () => {
  it('shows whole yuan without decimals and groups thousands', () => {
    expect(formatYuan(4_527_100, 'zh-CN')).toBe('¥45,271');
    expect(formatYuan(4_527_100, 'en')).toBe('¥45,271');
    expect(formatYuan(100)).toBe('¥1');
  });
  it('shows fen as two decimals', () => {
    expect(formatYuan(4_527_150)).toBe('¥45,271.50');
    expect(formatYuan(4_527_105)).toBe('¥45,271.05');
    expect(formatYuan(1)).toBe('¥0.01');
    expect(formatYuan(999_999)).toBe('¥9,999.99');
  });
  it('handles zero and negatives', () => {
    expect(formatYuan(0)).toBe('¥0');
    expect(formatYuan(-305)).toBe('-¥3.05');
    expect(formatYuan(-4_527_100)).toBe('-¥45,271');
  });
  it('is exact for bigint amounts beyond 2^53', () => {
    expect(formatYuan(123_456_789_012_345_678_9n)).toBe('¥12,345,678,901,234,567.89');
  });
});

describe('formatWan', () => {
  it('formats 万元 with two decimals, rounding half-up', () => {
    expect(formatWan(4_527_100)).toBe('4.53万元'); // 4.5271 → 4.53
    expect(formatWan(4_525_000)).toBe('4.53万元'); // exact tie 4.525 → up
    expect(formatWan(4_524_999)).toBe('4.52万元');
    expect(formatWan(1_000_000)).toBe('1.00万元');
    expect(formatWan(0)).toBe('0.00万元');
  });
  it('rounds ties away from zero for negatives and drops the sign of a zero result', () => {
    expect(formatWan(-4_525_000)).toBe('-4.53万元');
    expect(formatWan(-1)).toBe('0.00万元');
  });
  it('groups large values', () => {
    expect(formatWan(9_999_999_900)).toBe('10,000.00万元');
  });
  it('uses plain yuan in English', () => {
    expect(formatWan(4_527_100, 'en')).toBe('CNY 45,271');
    expect(formatWan(4_527_150, 'en')).toBe('CNY 45,271.50');
    expect(formatWan(-4_527_150, 'en')).toBe('CNY -45,271.50');
  });
});

describe('formatYi', () => {
  it('formats 亿元 with two decimals', () => {
    expect(formatYi(3_180_300_000_000)).toBe('318.03亿元');
    expect(formatYi(10_000_000_000)).toBe('1.00亿元');
    expect(formatYi(9_999_999_900)).toBe('1.00亿元'); // 0.99999999亿 → 1.00
    expect(formatYi(-3_180_300_000_000)).toBe('-318.03亿元');
    expect(formatYi(0)).toBe('0.00亿元');
    expect(formatYi(123_456_700_000_000_000n)).toBe('12,345,670.00亿元');
  });
  it('rounds half-up at the 0.01亿 step (1,000,000 元)', () => {
    expect(formatYi(10_050_000_000)).toBe('1.01亿元'); // 1.005 → 1.01
    expect(formatYi(10_049_999_999)).toBe('1.00亿元');
  });
});

describe('formatCny (zh-CN)', () => {
  it('uses yuan below 1万元', () => {
    expect(formatCny(999_999, 'zh-CN')).toBe('¥9,999.99'); // 9,999.99 元
    expect(formatCny(0, 'zh-CN')).toBe('¥0');
    expect(formatCny(-999_999, 'zh-CN')).toBe('-¥9,999.99');
  });
  it('uses 万元 from 1万元 up to just below 1亿元', () => {
    expect(formatCny(1_000_000, 'zh-CN')).toBe('1.00万元'); // 1万
    expect(formatCny(4_527_100, 'zh-CN')).toBe('4.53万元');
    expect(formatCny(9_999_994_999, 'zh-CN')).toBe('9,999.99万元');
    expect(formatCny(-1_000_000, 'zh-CN')).toBe('-1.00万元');
  });
  it('promotes to 亿元 when 万元 would round up to 10,000', () => {
    expect(formatCny(9_999_999_900, 'zh-CN')).toBe('1.00亿元'); // 99,999,999 元
    expect(formatCny(9_999_995_000, 'zh-CN')).toBe('1.00亿元');
  });
  it('uses 亿元 from 1亿元', () => {
    expect(formatCny(10_000_000_000, 'zh-CN')).toBe('1.00亿元'); // 1亿
    expect(formatCny(3_180_300_000_000, 'zh-CN')).toBe('318.03亿元');
    expect(formatCny(-3_180_300_000_000, 'zh-CN')).toBe('-318.03亿元');
  });
  it('defaults to zh-CN', () => {
    expect(formatCny(4_527_100)).toBe('4.53万元');
  });
});

describe('formatCny (en)', () => {
  it('uses full yuan below one million', () => {
    expect(formatCny(999_999, 'en')).toBe('CNY 9,999.99');
    expect(formatCny(1_000_000, 'en')).toBe('CNY 10,000');
    expect(formatCny(99_999_999, 'en')).toBe('CNY 999,999.99');
    expect(formatCny(0, 'en')).toBe('CNY 0');
  });
  it('uses millions, then billions', () => {
    expect(formatCny(100_000_000, 'en')).toBe('CNY 1.00 m');
    expect(formatCny(123_456_789, 'en')).toBe('CNY 1.23 m');
    expect(formatCny(9_999_999_900, 'en')).toBe('CNY 100.00 m'); // 99,999,999 元
    expect(formatCny(99_999_999_900, 'en')).toBe('CNY 1.00 bn'); // would be 1,000.00 m
    expect(formatCny(3_180_300_000_000, 'en')).toBe('CNY 31.80 bn');
    expect(formatCny(-3_180_300_000_000, 'en')).toBe('CNY -31.80 bn');
  });
});

describe('input checks', () => {
  it('accepts safe integers and bigints', () => {
    expect(toFen(12)).toBe(12n);
    expect(toFen(12n)).toBe(12n);
  });
  it('rejects floats, NaN and unsafe integers', () => {
    expect(() => formatYuan(12.5)).toThrow(RangeError);
    expect(() => formatCny(Number.NaN)).toThrow(RangeError);
    expect(() => formatWan(2 ** 60)).toThrow(RangeError);
  });
  it('rounds half-up with integers only', () => {
    expect(roundToHundredths(4_525_000n, 1_000_000n)).toBe(453n);
    expect(roundToHundredths(4_524_999n, 1_000_000n)).toBe(452n);
    expect(roundToHundredths(0n, 1_000_000n)).toBe(0n);
  });
});

describe('the display convention (formatMoney, formatMoneyExact, formatExact)', () => {
  it('reads car prices in 万元 in Chinese and exact CNY in English', () => {
    expect(formatMoney(12_800_000, 'zh-CN')).toBe('12.80万元');
    expect(formatMoney(850_000, 'zh-CN')).toBe('¥8,500');
    expect(formatMoney(12_800_000, 'en')).toBe('CNY 128,000');
    // Never "¥14" for 14 万元.
    expect(formatMoney(14_000_000, 'zh-CN')).toBe('14.00万元');
    expect(formatMoney(14_000_000, 'en')).toBe('CNY 140,000');
  });
  it('adds the exact yuan where the 万元 figure is rounded', () => {
    expect(formatMoneyExact(12_845_600, 'zh-CN')).toBe('12.85万元（¥128,456）');
    expect(formatMoneyExact(12_800_000, 'zh-CN')).toBe('12.80万元');
    expect(formatMoneyExact(12_845_600, 'en')).toBe('CNY 128,456');
  });
  it('gives exact yuan in the locale form', () => {
    expect(formatExact(12_845_650, 'zh-CN')).toBe('¥128,456.50');
    expect(formatExact(12_845_650, 'en')).toBe('CNY 128,456.50');
  });
});
