import { describe, expect, it } from 'vitest';
import { en, zhCN } from '../../../lib/i18n-messages';
import { groupRules, type DestinationRule } from './api';
import { staffExportEn } from './i18n';

const rule = (country: string, effective_from: string, id: number | null): DestinationRule => ({
  id,
  country,
  effective_from,
  source: 's',
  max_age_years: 3,
  age_basis: 'first_registration',
  age_counted_at: 'shipment',
  steering: null,
  min_euro: null,
  certificates: [],
  notes: '',
  shipped: id === null,
  in_force: false,
});

describe('groupRules', () => {
  it('groups versions by country, countries sorted, newest effective date first, history kept', () => {
    const groups = groupRules([rule('RU', '2026-01-01', null), rule('KZ', '2026-03-01', 2), rule('RU', '2027-01-01', 5)]);
    expect(groups.map(([c]) => c)).toEqual(['KZ', 'RU']);
    expect(groups[1]?.[1].map((r) => r.effective_from)).toEqual(['2027-01-01', '2026-01-01']);
  });
});

describe('staff export strings', () => {
  it('are registered in both languages and differ from the English', () => {
    for (const key of Object.keys(staffExportEn) as (keyof typeof staffExportEn)[]) {
      expect(en[key]).toBe(staffExportEn[key]);
      expect(zhCN[key]).toBeTruthy();
    }
    expect(zhCN['admin.filings']).toBe('出口企业备案');
    expect(zhCN['admin.rules']).toBe('目的国规则');
  });
});
