import { describe, expect, it } from 'vitest';
import type { BankLayout } from '../api/desk';
import type { Invoice } from '../api/settlement';
import { candidates, contentTypeFor, fileFormat, foreignAmount, layoutsFor, quotedNumbers, splitPartners, splitSummary } from './bank';

const layouts: BankLayout[] = [
  { name: 'icbc-csv', builtin: true, mapping: { format: 'csv' } },
  { name: 'ccb-xlsx', builtin: true, mapping: { format: 'xlsx' } },
  { name: '招行导出', builtin: false, mapping: { format: 'csv' } },
];

function invoice(number: string, balance: number, extra: Partial<Invoice> = {}): Invoice {
  return { id: Number(number.slice(-6)), number, status: 'open', currency: 'CNY', balance_due_fen: balance, ...extra } as Invoice;
}

describe('reading a statement file', () => {
  it('knows the format by the name', () => {
    expect(fileFormat('march.CSV')).toBe('csv');
    expect(fileFormat('明细.xlsx')).toBe('xlsx');
    expect(fileFormat('statement.pdf')).toBeNull();
    expect(contentTypeFor('a.xlsx')).toContain('spreadsheetml');
    expect(contentTypeFor('a.csv')).toBe('text/csv');
  });
  it('offers the layouts of that format, the house’s own first', () => {
    expect(layoutsFor('march.csv', layouts).map((l) => l.name)).toEqual(['招行导出', 'icbc-csv']);
    expect(layoutsFor('march.xlsx', layouts).map((l) => l.name)).toEqual(['ccb-xlsx']);
    expect(layoutsFor('march.pdf', layouts)).toEqual([]);
  });
});

describe('matching a line by hand', () => {
  it('keeps only invoice numbers of what the line refers to', () => {
    expect(quotedNumbers({ invoices: [['2026-00001-000007', 0], ['receipt:3', 500]] })).toEqual(['2026-00001-000007']);
  });
  it('offers the quoted invoice first, then one the amount pays exactly, and never another currency', () => {
    const open = [
      invoice('2026-00001-000003', 50_000),
      invoice('2026-00001-000002', 12_345_600),
      invoice('2026-00001-000001', 99_900),
      invoice('2026-00001-000009', 12_345_600, { currency: 'USD' }),
      invoice('2026-00001-000008', 12_345_600, { status: 'paid' }),
    ];
    const line = { invoices: [['2026-00001-000001', 0]] as [string, number][], amount_fen: 12_345_600, currency: 'CNY' };
    expect(candidates(line, open).map((i) => i.number)).toEqual(['2026-00001-000001', '2026-00001-000002', '2026-00001-000003']);
  });
});

describe('foreignAmount', () => {
  it('writes minor units exactly, with the sign of money paid out', () => {
    expect(foreignAmount(123_405, 'USD')).toBe('USD 1,234.05');
    expect(foreignAmount(-5, 'HKD')).toBe('−HKD 0.05');
  });
});

describe('splitting one line across a buyer’s invoices', () => {
  const mine = (number: string, balance: number, buyer = 7) => invoice(number, balance, { buyer_user_id: buyer });
  it('offers the same buyer’s other open invoices in the currency', () => {
    const first = mine('2026-00042-000001', 100);
    const open = [first, mine('2026-00042-000002', 50), mine('2026-00042-000003', 70, 8), mine('2026-00042-000004', 9, 7)];
    open.push(invoice('2026-00042-000005', 5, { buyer_user_id: 7, currency: 'USD' }));
    expect(splitPartners(first, open).map((i) => i.number)).toEqual(['2026-00042-000002', '2026-00042-000004']);
    expect(splitPartners(undefined, open)).toEqual([]);
  });
  it('adds the balances and says whether the line pays them exactly', () => {
    expect(splitSummary(150, [mine('a', 100), mine('b', 50)])).toEqual({ totalFen: 150, differenceFen: 0, exact: true });
    expect(splitSummary(149, [mine('a', 100), mine('b', 50)])).toEqual({ totalFen: 150, differenceFen: -1, exact: false });
    expect(splitSummary(151, [mine('a', 100), mine('b', 50)]).exact).toBe(false);
    expect(splitSummary(999, [mine('a', 100)]).exact).toBe(true); // one invoice: the excess is the buyer's credit
  });
});
