import { describe, expect, it } from 'vitest';
import { yuanToFen } from './returns';

describe('yuanToFen', () => {
  it('reads yuan with up to two decimals as integer fen', () => {
    expect(yuanToFen('45271')).toBe(4_527_100);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('19.99')).toBe(1999);
    expect(yuanToFen(' 1.05 ')).toBe(105); // 1.05 * 100 in floating point is 105.00000000000001
  });
  it('refuses what is not a price', () => {
    for (const bad of ['', '-1', '1.234', '1e5', '12,000', 'abc']) expect(yuanToFen(bad)).toBeNull();
  });
});
