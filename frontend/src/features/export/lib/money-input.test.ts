import { describe, expect, it } from 'vitest';
import { parseOrderMoney } from './money-input';

describe('typing an amount in the order currency', () => {
  it('reads dollars and yen into minor units', () => {
    expect(parseOrderMoney('12,345.6', 'USD')).toBe(1234560);
    expect(parseOrderMoney('12345', 'USD')).toBe(1234500);
    expect(parseOrderMoney('0.07', 'USD')).toBe(7);
    expect(parseOrderMoney('1500000', 'JPY')).toBe(1500000);
  });

  it('refuses what is not an amount of that currency', () => {
    expect(parseOrderMoney('1.5', 'JPY')).toBeNull();
    expect(parseOrderMoney('1.234', 'USD')).toBeNull();
    expect(parseOrderMoney('-5', 'USD')).toBeNull();
    expect(parseOrderMoney('1e5', 'USD')).toBeNull();
    expect(parseOrderMoney('12,34', 'USD')).toBeNull();
    expect(parseOrderMoney('99999999999999999', 'USD')).toBeNull();
  });
});
