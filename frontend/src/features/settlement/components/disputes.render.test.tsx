import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../../../lib/i18n';
import type { BankLine } from '../api/desk';
import type { Dispute } from '../api/handover';
import type { Invoice } from '../api/settlement';
import { SplitPick } from './DeskBankQueue';
import { DecisionForm } from './DisputeDecision';
import { DisputeState, EvidencePhotos } from './DisputeEvidence';

const dispute = (over: Partial<Dispute> = {}): Dispute => ({
  id: 12, sale_id: 5, house_org_id: 3, reason: 'flood', description: '泡水', status: 'answered', level: 'association',
  answer: 'rejected', answer_note: '车况报告已披露', refunded_fen: 0, opened_at: '2026-12-01T00:00:00Z', evidence: [31, 32],
  ...over,
}); // prettier-ignore

const inv = (number: string, balance: number): Invoice =>
  ({ id: Number(number.slice(-1)), number, status: 'open', currency: 'CNY', buyer_user_id: 7, balance_due_fen: balance }) as Invoice;
const line = { id: 1, amount_fen: 150_000_00, currency: 'CNY', invoices: [] } as unknown as BankLine;

describe('dispute evidence and the split of a statement line', () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it('shows the photos as links to their bytes, and who handles the case, in both languages', () => {
    setLocale('en');
    const en = renderToString(<><DisputeState dispute={dispute()} /><EvidencePhotos dispute={dispute()} /></>);
    expect(en).toContain('href="/api/disputes/12/evidence/31"');
    expect(en).toContain('src="/api/disputes/12/evidence/32"');
    expect(en).toContain('alt="Photo 2"');
    expect(en).toContain('the trade association');
    expect(en).toContain('Answer: Rejected');
    setLocale('zh-CN');
    const zh = renderToString(<><DisputeState dispute={dispute({ status: 'open', level: 'house', answer: null })} /><EvidencePhotos dispute={dispute({ evidence: [] })} /></>);
    expect(zh).toContain('拍卖行');
    expect(zh).toContain('待答复');
    expect(zh).toContain('尚未上传照片');
  });

  it('shows the association’s ruling to the buyer and the house, and its form has the house’s answer’s shape', () => {
    const ruled = dispute({ answer: 'price_adjustment', answer_note: '协会调解', refunded_fen: 1_000_000,
      ruling: { ruling: 'price_adjustment', note: '协会调解', refund_fen: 1_000_000, at: '2026-12-02T00:00:00Z' } }); // prettier-ignore
    setLocale('en');
    const en = renderToString(<DisputeState dispute={ruled} />);
    expect(en).toContain('The association’s ruling: Price adjustment (partial refund)');
    expect(en).toContain('refund CNY 10,000');
    expect(renderToString(<DisputeState dispute={dispute()} />)).not.toContain('dispute-ruling');
    const form = renderToString(<DecisionForm by="association" send={async () => undefined} onDone={() => undefined} />);
    expect(form).toContain('Record the ruling');
    expect(form).toContain('data-testid="ruling-form"');
    for (const a of ['rejected', 'price_adjustment', 'unwind']) expect(form).toContain(`value="${a}"`);
    expect(renderToString(<DecisionForm by="house" send={async () => undefined} onDone={() => undefined} />)).toContain('Send the answer');
    setLocale('zh-CN');
    const zh = renderToString(<DisputeState dispute={ruled} />);
    expect(zh).toContain('协会调解结果：调价（部分退款）');
    expect(zh).toContain('退款 ¥10,000');
    expect(renderToString(<DecisionForm by="association" send={async () => undefined} onDone={() => undefined} />)).toContain('记录调解结果');
  });

  it('adds up the chosen invoices and gives the rule’s error when the split is not exact', () => {
    setLocale('en');
    const a = inv('2026-00003-000001', 100_000_00);
    const b = inv('2026-00003-000002', 50_000_00);
    const c = inv('2026-00003-000003', 40_000_00);
    const exact = renderToString(<SplitPick line={line} first={a} open={[a, b, c]} extra={[b.number]} onChange={() => undefined} />);
    expect(exact).toContain('Invoices chosen: 2');
    expect(exact).not.toContain('split-inexact');
    const short = renderToString(<SplitPick line={line} first={a} open={[a, b, c]} extra={[c.number]} onChange={() => undefined} />);
    expect(short).toContain('A payment split across invoices must pay each of them exactly.');
    expect(short).toContain('The line is');
    setLocale('zh-CN');
    const zh = renderToString(<SplitPick line={line} first={a} open={[a, b, c]} extra={[b.number, c.number]} onChange={() => undefined} />);
    expect(zh).toContain('一笔款项拆分到多张结算单时，必须恰好付清每一张。');
    expect(zh).toContain('本笔金额比所选结算单未付合计少');
    const alone = renderToString(<SplitPick line={line} first={a} open={[a]} extra={[]} onChange={() => undefined} />);
    expect(alone).toContain('该买方没有其他未付结算单');
  });
});
