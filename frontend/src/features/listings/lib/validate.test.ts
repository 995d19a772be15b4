import { describe, expect, it } from 'vitest';
import { vinProblem } from './validate';

describe('vinProblem', () => {
  it('accepts a valid VIN and flags shape and check-digit errors', () => {
    expect(vinProblem('1M8GDM9AXKP042788')).toBeNull();
    expect(vinProblem('1m8gdm9axkp042788')).toBeNull();
    expect(vinProblem('1M8GDM9A1KP042788')).toBe('check');
    expect(vinProblem('1M8GDM9AXKP04278')).toBe('shape');
    expect(vinProblem('IM8GDM9AXKP042788')).toBe('shape');
  });
});
