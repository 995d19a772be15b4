/**
 * Pure helpers of mapping a bank's export to the statement fields (the server's rules.Mapping): which row is the
 * header, a first guess of which column holds what, the mapping's problems as the server would refuse it, and the
 * first lines read under the mapping for the person to check before saving.
 */

export const MAPPING_FIELDS = ['booked_at', 'amount', 'debit', 'credit', 'reference', 'payer', 'payer_account', 'serial', 'balance', 'currency'] as const;
export type MappingField = (typeof MAPPING_FIELDS)[number];
export type MappingColumns = Record<MappingField, string>;
export type AmountMode = 'signed' | 'split';

export const EMPTY_MAPPING: MappingColumns = Object.fromEntries(MAPPING_FIELDS.map((f) => [f, ''])) as MappingColumns;

/** Banks print the account and period above the header: the header is the first row with the most filled cells. */
export function guessHeader(rows: string[][]): number {
  let best = 0;
  let most = -1;
  rows.slice(0, 20).forEach((row, i) => {
    const filled = row.filter((c) => c.trim()).length;
    if (filled > most) {
      most = filled;
      best = i;
    }
  });
  return best;
}

// Column names as Chinese banks' exports commonly print them (and a few English ones), most specific first.
const HINTS: [MappingField, RegExp][] = [
  ['serial', /流水号|交易序号|serial|transaction id/i],
  ['payer_account', /对方账号|付款人账号|对方帐号|account no/i],
  ['payer', /对方户名|付款人|对方名称|对方单位|payer|counterparty/i],
  ['debit', /借方|支出|付出|debit|withdrawal/i],
  ['credit', /贷方|收入|存入|credit|deposit/i],
  ['balance', /余额|balance/i],
  ['currency', /币种|货币|currency/i],
  ['booked_at', /交易时间|交易日期|记账日期|入账时间|日期|时间|date|time/i],
  ['reference', /用途|附言|摘要|备注|reference|memo|remark/i],
  ['amount', /金额|发生额|amount/i],
];

/** A first guess from the header's names; each column is used once, and a person corrects the rest. */
export function guessMapping(header: string[]): { columns: MappingColumns; mode: AmountMode } {
  const columns: MappingColumns = { ...EMPTY_MAPPING };
  const used = new Set<string>();
  for (const [field, pattern] of HINTS) {
    const hit = header.find((h) => h.trim() && !used.has(h) && pattern.test(h));
    if (hit) {
      columns[field] = hit;
      used.add(hit);
    }
  }
  const mode: AmountMode = columns.debit && columns.credit ? 'split' : 'signed';
  if (mode === 'split') columns.amount = '';
  else {
    columns.amount ||= columns.credit;
    columns.debit = '';
    columns.credit = '';
  }
  return { columns, mode };
}

export type MappingProblem = 'needTimeAndReference' | 'needAmount' | 'needDebitAndCredit' | 'columnTwice';

/** What the server's check_mapping would refuse (the same rules), so the form says it before sending. */
export function mappingProblem(columns: MappingColumns, mode: AmountMode): MappingProblem | null {
  if (!columns.booked_at || !columns.reference) return 'needTimeAndReference';
  if (mode === 'signed' && !columns.amount) return 'needAmount';
  if (mode === 'split' && !(columns.debit && columns.credit)) return 'needDebitAndCredit';
  const body = mappingBody(columns, mode, 'csv');
  const names = MAPPING_FIELDS.map((f) => (body[f] ?? '').trim().toLowerCase()).filter(Boolean);
  return new Set(names).size === names.length ? null : 'columnTwice';
}

/** The API's MappingIn: only the columns of the chosen amount mode. */
export function mappingBody(columns: MappingColumns, mode: AmountMode, format: 'csv' | 'xlsx'): { format: 'csv' | 'xlsx' } & Partial<MappingColumns> {
  const out: { format: 'csv' | 'xlsx' } & Partial<MappingColumns> = { format };
  for (const f of MAPPING_FIELDS) {
    if (mode === 'signed' && (f === 'debit' || f === 'credit')) continue;
    if (mode === 'split' && f === 'amount') continue;
    if (columns[f]) out[f] = columns[f];
  }
  return out;
}

/** The first filled lines below the header, each as the mapped fields' texts (what the import will read). */
export function previewLines(rows: string[][], headerIndex: number, columns: MappingColumns, mode: AmountMode, count = 5): Record<string, string>[] {
  const header = (rows[headerIndex] ?? []).map((h) => h.trim().toLowerCase());
  const fields = MAPPING_FIELDS.filter((f) => columns[f] && !(mode === 'signed' && (f === 'debit' || f === 'credit')) && !(mode === 'split' && f === 'amount'));
  const index = (col: string) => header.indexOf(col.trim().toLowerCase());
  const out: Record<string, string>[] = [];
  for (const row of rows.slice(headerIndex + 1)) {
    if (out.length >= count) break;
    const when = index(columns.booked_at);
    if (when < 0 || !(row[when] ?? '').trim()) continue; // a 合计 total or a footer: the import skips it too
    out.push(Object.fromEntries(fields.map((f) => [f, row[index(columns[f])] ?? ''])));
  }
  return out;
}

/** A saved layout's name as the API accepts it: letters, digits, Chinese, `-` and `_`, at most 60. */
export function validLayoutName(name: string): boolean {
  return /^[\w\-\u4e00-\u9fff]{1,60}$/u.test(name.trim());
}
