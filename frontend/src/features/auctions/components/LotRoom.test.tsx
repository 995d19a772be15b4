import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../../../lib/i18n';
import type { LotPage, SaleRecord } from '../api/auctions';
import type { HistoryLine, LotView } from '../lib/lotState';
import { SaleRecordView } from './Decision';
import { LotCar } from './LotCar';
import { LotOutcome } from './LotOutcome';
import { BidHistory } from './LotPanel';

const lot = (patch: Partial<LotView>): LotView => ({
  id: 7, session_id: 3, position: 2, mode: 'timed', vehicle: null, condition_report: '', starting_price: 100_000,
  buy_now_price: null, status: 'sold', price: 12_850_000, leader: '101', next_minimum: 0, ends_at: 1, scheduled_end: 1,
  decision_deadline: null, bids: 3, reserve_met: true, seq: 9, ...patch,
});

const sale: SaleRecord = {
  lot_id: 7, session_id: 3, hammer_price: 12_850_000, buyer_premium: 435_500, total: 13_285_500, buyer_paddle: '101',
  via: 'clock', sold_at: '2026-01-01T00:00:00Z', viewer_role: 'buyer',
  deposit: { amount: 500_000, status: 'confirmed', applied: 500_000 }, balance_due: 12_785_500,
  payment_reference: 'AU00003-000042', next_steps: ['pay_balance', 'collect_vehicle'],
};

describe('the lot room', () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it('writes each bid history number out, so "10." reads in full', () => {
    const history: HistoryLine[] = Array.from({ length: 12 }, (_, i) => ({
      paddle: String(101 + i), amount: 1_000_000 + i * 50_000, auto: false, at: i, seq: i,
    }));
    const html = renderToString(<BidHistory history={history} />);
    for (const n of ['1.', '9.', '10.', '12.']) expect(html).toContain(`<span class="bid-no">${n}</span>`);
  });

  it('tells the winner they won and what happens next, in Chinese', () => {
    setLocale('zh-CN');
    const html = renderToString(<LotOutcome lot={lot({ you: { paddle: '101', max: 12_850_000, status: 'leading' } })} />);
    expect(html).toContain('data-outcome="won"');
    expect(html).toContain('恭喜，您以 12.85万元 竞得此拍品。');
    expect(html).toContain('支付余款');
    expect(html).toContain('提车');
  });

  it('tells a beaten bidder they lost and what happens to their deposit, in English', () => {
    setLocale('en');
    const html = renderToString(<LotOutcome lot={lot({ leader: '104', you: { paddle: '101', max: 12_000_000, status: 'outbid' } })} />);
    expect(html).toContain('data-outcome="lost"');
    expect(html).toContain('Sold to paddle 104 at CNY 128,500: you did not win this lot.');
    expect(html).toContain('refunds it after the session');
    expect(renderToString(<LotOutcome lot={lot({ status: 'open' })} />)).toBe('');
  });

  it('shows the sale record with the deposit, the balance due and the next steps', () => {
    setLocale('zh-CN');
    const html = renderToString(<SaleRecordView sale={sale} />);
    expect(html).toContain('13.29万元（¥132,855）');
    expect(html).toContain('¥5,000 已确认；其中 ¥5,000 抵扣本拍品');
    expect(html).toContain('data-fen="12785500"');
    expect(html).toContain('12.79万元（¥127,855）');
    expect(html).toContain('买受人向拍卖企业支付余款，注明 AU00003-000042。');
    expect(html).toContain('拍卖企业确认收款后，买受人提车。');
  });

  it('shows the car beside the price: photos, key specs and the condition summary', () => {
    setLocale('en');
    const page = {
      ...lot({ status: 'open' }),
      vehicle: { id: 1, title: '大众 帕萨特 330TSI', model_year: 2021, mileage_km: 42_000, first_registration: '2021-05-01', energy_type: 'ice', colour: '白', city: '宁波', transfers: 0 },
      session_title: 's',
      specs: { transmission: '7DCT', displacement_ml: 1984, emission_standard: '国六', usage: 'non_commercial', plate_prefix: '浙B' },
      photos: [{ id: 5, url: '/api/lots/7/photos/5', thumb_url: null, width: 800, height: 600 }],
      condition: { text: 'B 级', items: 2, worst_grade: 'C', flagged: [{ item: '前保险杠', grade: 'C', note: '划痕' }], accident: true, flood: false, fire: false },
    } as LotPage;
    const html = renderToString(<LotCar page={page} />);
    expect(html).toContain('src="/api/lots/7/photos/5"');
    expect(html).toContain('42,000 km');
    expect(html).toContain('2.0 L');
    expect(html).toContain('Petrol / diesel');
    expect(html).toContain('Worst grade C across 2 inspected items');
    expect(html).toContain('前保险杠');
    expect(html).toContain('Declared: accident damage.');
  });
});
