import { describe, expect, it } from 'vitest';
import { average, growth, halfUp, money, percent, points, trend, units } from './figures';

describe('statistics presentation', () => {
  it('rounds half-up on the decimal digits the API sent, not on binary floats', () => {
    expect(halfUp(0.565249999999, 2, 2)).toBe('56.52');
    expect(halfUp(0.56525, 2, 2)).toBe('56.53');
    expect(halfUp(1.005, 2)).toBe('1.01'); // 1.005 in binary is 1.00499…; its 12-decimal text is not
    expect(halfUp(-0.005, 2)).toBe('-0.01');
    expect(halfUp(-0.004, 2)).toBe('0.00');
  });

  it('writes the 2023 headline as published', () => {
    expect(money(3_180_300_000_000, 'zh-CN')).toBe('318.03亿元');
    expect(units(702_500, 'zh-CN')).toBe('70.25万台');
    expect(units(702_500, 'en')).toBe('702,500');
    expect(average(4_527_117.437722, 'zh-CN')).toBe('4.53万元');
    expect(percent(0.5652)).toBe('56.52%');
    expect(growth(0.070912)).toBe('+7.09%');
    expect(growth(1.4959)).toBe('+149.59%');
    expect(growth(-0.031)).toBe('−3.10%');
    expect(points(15.54, 'zh-CN')).toBe('+15.54个百分点');
    expect(points(15.54, 'en')).toBe('+15.54 pp');
  });

  it('says "not available" for a growth without a base, never 0', () => {
    expect(growth(null)).toBe('—');
    expect(trend(null)).toBe('na');
    expect(trend(0)).toBe('flat');
    expect(trend(0.0709)).toBe('up');
    expect(trend(-0.2)).toBe('down');
    expect(percent(null)).toBe('—');
  });
});
