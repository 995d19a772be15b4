import { describe, expect, it } from 'vitest';
import { tokenFromHash } from './pages';

describe('the consignee link', () => {
  it('reads the token from the fragment, never the path', () => {
    expect(tokenFromHash('#token=abc-_123')).toBe('abc-_123');
    expect(tokenFromHash('#abc')).toBe('abc');
    expect(tokenFromHash('')).toBe('');
    expect(tokenFromHash('#other=1')).toBe('');
  });
});
