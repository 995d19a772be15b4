import { describe, expect, it } from 'vitest';
import { tokenFromHash } from './links';

describe('tokenFromHash', () => {
  it('reads the token of a mailed link', () => {
    expect(tokenFromHash('#token=abc_DEF-123')).toBe('abc_DEF-123');
    expect(tokenFromHash('#x=1&token=zz')).toBe('zz');
  });
  it('is null without one', () => {
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
    expect(tokenFromHash('#notoken=abc')).toBeNull();
  });
});
