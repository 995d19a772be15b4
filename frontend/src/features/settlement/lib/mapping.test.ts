import { describe, expect, it } from 'vitest';
import { EMPTY_MAPPING, guessHeader, guessMapping, mappingBody, mappingProblem, previewLines, validLayoutName } from './mapping';

// A rural bank's export as the preview returns it: a title row, the account, the header, lines, a total.
const rows = [
  ['某农商银行 交易明细'],
  ['账号: 6222 0000', '币种: 人民币'],
  ['流水号', '交易日期', '借方发生额', '贷方发生额', '余额', '对方户名', '对方账号', '摘要'],
  ['NS-1', '2026-03-02 10:00', '', '1,000.00', '5,000.00', '张三', '6222 1', '付 2026-00042-000001'],
  ['NS-2', '2026-03-02 11:00', '20.00', '', '4,980.00', '某某公司', '6222 2', '手续费'],
  ['合计', '', '20.00', '1,000.00'],
];

describe('mapping a bank’s columns', () => {
  it('finds the header below the bank’s title rows', () => {
    expect(guessHeader(rows)).toBe(2);
    expect(guessHeader([['only']])).toBe(0);
  });

  it('guesses the columns from their names, debit and credit as two columns', () => {
    const { columns, mode } = guessMapping(rows[2]!);
    expect(mode).toBe('split');
    expect(columns).toMatchObject({
      serial: '流水号', booked_at: '交易日期', debit: '借方发生额', credit: '贷方发生额', balance: '余额', payer: '对方户名',
      payer_account: '对方账号', reference: '摘要', amount: '',
    }); // prettier-ignore
  });

  it('guesses one signed amount column when there is no debit and credit', () => {
    const { columns, mode } = guessMapping(['日期', '金额', '付款人', '附言']);
    expect(mode).toBe('signed');
    expect(columns).toMatchObject({ booked_at: '日期', amount: '金额', payer: '付款人', reference: '附言', debit: '', credit: '' });
  });

  it('says what the server would refuse', () => {
    const split = guessMapping(rows[2]!).columns;
    expect(mappingProblem(split, 'split')).toBeNull();
    expect(mappingProblem({ ...split, reference: '' }, 'split')).toBe('needTimeAndReference');
    expect(mappingProblem({ ...split, credit: '' }, 'split')).toBe('needDebitAndCredit');
    expect(mappingProblem(split, 'signed')).toBe('needAmount');
    expect(mappingProblem({ ...split, payer: '摘要' }, 'split')).toBe('columnTwice');
    expect(mappingProblem({ ...EMPTY_MAPPING, booked_at: 'd', reference: 'r', amount: 'a', debit: 'a' }, 'signed')).toBeNull();
  });

  it('sends only the columns of the chosen amount mode', () => {
    const columns = { ...guessMapping(rows[2]!).columns, amount: '余额' };
    const body = mappingBody(columns, 'split', 'xlsx');
    expect(body.format).toBe('xlsx');
    expect(body).not.toHaveProperty('amount');
    expect(body).toMatchObject({ debit: '借方发生额', credit: '贷方发生额' });
    const signed = mappingBody({ ...columns, amount: '贷方发生额' }, 'signed', 'csv');
    expect(signed).not.toHaveProperty('debit');
    expect(signed.amount).toBe('贷方发生额');
  });

  it('previews the first lines under the mapping, skipping the total row', () => {
    const columns = guessMapping(rows[2]!).columns;
    const lines = previewLines(rows, 2, columns, 'split');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ serial: 'NS-1', credit: '1,000.00', reference: '付 2026-00042-000001' });
    expect(lines[1]).toMatchObject({ debit: '20.00', payer: '某某公司' });
    expect(previewLines(rows, 2, columns, 'split', 1)).toHaveLength(1);
    expect(previewLines(rows, 0, columns, 'split')).toEqual([]); // the wrong header row: no booking time column
  });

  it('accepts the layout names the API accepts', () => {
    expect(validLayoutName('农商行-2026_v2')).toBe(true);
    expect(validLayoutName('')).toBe(false);
    expect(validLayoutName('a b')).toBe(false);
    expect(validLayoutName('x'.repeat(61))).toBe(false);
  });
});
