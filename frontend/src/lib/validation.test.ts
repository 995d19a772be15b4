import { describe, expect, it } from 'vitest';
import { isChineseMobile, isCreditCode, isEmail, isIsoDate, isLogin } from './validation';

describe('validation', () => {
  it('checks mainland mobile numbers', () => {
    expect(isChineseMobile('13800138000')).toBe(true);
    expect(isChineseMobile('19912345678')).toBe(true);
    expect(isChineseMobile('12800138000')).toBe(false);
    expect(isChineseMobile('1380013800')).toBe(false);
    expect(isChineseMobile('+8613800138000')).toBe(false);
  });
  it('checks emails and logins', () => {
    expect(isEmail('a@b.cn')).toBe(true);
    expect(isEmail('a@b')).toBe(false);
    expect(isLogin('13800138000')).toBe(true);
    expect(isLogin('dealer@example.com')).toBe(true);
    expect(isLogin('dealer')).toBe(false);
  });
  it('checks the shape of a unified social credit code', () => {
    expect(isCreditCode('91110000600037341L')).toBe(true);
    expect(isCreditCode('91110000600037341l')).toBe(true); // upper-cased before sending
    expect(isCreditCode('9111000060003734')).toBe(false);
    expect(isCreditCode('91110000-00037341L')).toBe(false);
  });
  it('checks calendar dates', () => {
    expect(isIsoDate('2025-02-28')).toBe(true);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-2-1')).toBe(false);
  });
});
