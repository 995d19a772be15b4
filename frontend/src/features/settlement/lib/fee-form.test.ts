import { describe, expect, it } from 'vitest';
import { bpToPercent, formToRules, percentToBp, rulesToForm, type FeeForm } from './fee-form';

const base: FeeForm = {
  buyer: [
    { lower: '0', rate: '5', min: '500', cap: '' },
    { lower: '20', rate: '3', min: '', cap: '20000' },
  ],
  seller: [{ lower: '0', rate: '2.5', min: '', cap: '' }],
  documentFee: '300',
  paymentDays: '3',
  lateFlat: '200',
  storageDaily: '50',
  storageFreeDays: '5',
  vatPercent: '6',
};

describe('fee schedule form', () => {
  it('turns percent into basis points exactly and refuses what the API would refuse', () => {
    expect(percentToBp('5')).toBe(500);
    expect(percentToBp('2.75')).toBe(275);
    expect(percentToBp('0.5')).toBe(50);
    expect(percentToBp('2.755')).toBeUndefined();
    expect(percentToBp('101')).toBeUndefined();
    expect(percentToBp('-1')).toBeUndefined();
    expect(bpToPercent(275)).toBe('2.75');
    expect(bpToPercent(250)).toBe('2.5');
  });

  it('builds bands that tile from zero, each ending one fen below the next', () => {
    const { rules, errors } = formToRules(base);
    expect(errors).toEqual({});
    expect(rules?.buyer_premium).toEqual([
      { lower_fen: 0, upper_fen: 19_999_999, rate_bp: 500, min_fen: 50_000, cap_fen: null },
      { lower_fen: 20_000_000, upper_fen: null, rate_bp: 300, min_fen: 0, cap_fen: 2_000_000 },
    ]);
    expect(rules?.fixed).toEqual([{ kind: 'document', side: 'buyer', amount_fen: 30_000 }]);
    expect(rules?.storage).toEqual({ daily_fen: 5_000, free_working_days: 5 });
    expect(rules?.late).toEqual({ flat_fen: 20_000 });
    expect(rules?.vat_bp).toBe(600);
  });

  it('names each bad field', () => {
    const { rules, errors } = formToRules({
      ...base,
      buyer: [{ lower: '0', rate: '5', min: '500', cap: '' }, { lower: '0', rate: 'x', min: '100', cap: '50' }],
      paymentDays: '0',
    });
    expect(rules).toBeUndefined();
    expect(errors).toEqual({
      'buyer.1.lower': 'settlement.fees.badLower',
      'buyer.1.rate': 'settlement.fees.badRate',
      'buyer.1.cap': 'settlement.fees.capBelowMin',
      paymentDays: 'settlement.fees.badDays',
    });
  });

  it('round-trips a published version', () => {
    const { rules } = formToRules(base);
    expect(formToRules(rulesToForm(rules ?? null)).rules).toEqual(rules);
  });
});
