import { describe, expect, it } from 'vitest';
import type { MyRegistration } from '../api/auctions';
import type { LotView } from './lotState';
import { byPhase, clock, groupMyAuctions, percentFromBp, roomOutcome } from './outcome';

const lot = (patch: Partial<LotView>): LotView => ({
  id: 1, session_id: 1, position: 1, mode: 'timed', vehicle: null, condition_report: '', starting_price: 100_000,
  buy_now_price: null, status: 'open', price: 200_000, leader: '102', next_minimum: 210_000, ends_at: 1, scheduled_end: 1,
  decision_deadline: null, bids: 3, reserve_met: null, seq: 3, ...patch,
});

describe('the closing message', () => {
  it('tells the buyer they won and a beaten bidder they lost', () => {
    expect(roomOutcome(lot({ status: 'sold', leader: '101', you: { paddle: '101', max: 200_000, status: 'leading' } }))).toBe('won');
    expect(roomOutcome(lot({ status: 'sold', leader: '102', you: { paddle: '101', max: 150_000, status: 'outbid' } }))).toBe('lost');
  });
  it('counts a buy-now buyer as the winner even if they never led before', () => {
    expect(roomOutcome(lot({ status: 'sold', leader: '101', you: { paddle: '101', max: null, status: 'none' } }))).toBe('won');
  });
  it('tells a bidder a passed lot went unsold, and watchers only what happened', () => {
    expect(roomOutcome(lot({ status: 'passed', you: { paddle: '101', max: 150_000, status: 'outbid' } }))).toBe('unsold');
    expect(roomOutcome(lot({ status: 'passed', you: { paddle: '101', max: null, status: 'none' } }))).toBe('passed');
    expect(roomOutcome(lot({ status: 'sold' }))).toBe('sold');
    expect(roomOutcome(lot({ status: 'sold', you: { paddle: '109', max: null, status: 'none' } }))).toBe('sold');
  });
  it('says nothing while bidding runs or the seller decides', () => {
    for (const status of ['open', 'paused', 'scheduled', 'conditional', 'countered'])
      expect(roomOutcome(lot({ status, you: { paddle: '101', max: 1, status: 'leading' } }))).toBeNull();
  });
});

describe('my auctions', () => {
  const reg = (id: number, standings: MyRegistration['lots'][number]['standing'][]): MyRegistration => ({
    id, paddle: '101', org_id: null, deposit_amount: 500_000, deposit_status: 'confirmed', payment_reference: 'AU1',
    session: { id, title: 's', kind: 'online', starts_at: '2026-01-01T00:00:00Z', phase: 'live' },
    lots: standings.map((standing, i) => ({
      lot_id: id * 10 + i, position: i + 1, title: 't', status: 'open', price: 1, ends_at: null, your_max: null, standing, sale: null,
    })),
  });
  it('groups lots by where the buyer stands', () => {
    const g = groupMyAuctions([reg(1, ['leading', 'won', 'lost']), reg(2, ['outbid', 'pending', 'won'])]);
    expect(g.leading.map((x) => x.lot.lot_id)).toEqual([10, 20, 21]);
    expect(g.won.map((x) => x.lot.lot_id)).toEqual([11, 22]);
    expect(g.lost.map((x) => x.lot.lot_id)).toEqual([12]);
  });
});

describe('the calendar', () => {
  it('puts live and upcoming first, then drafts, then the most recently ended', () => {
    const s = (id: number, phase: 'live' | 'upcoming' | 'ended' | 'draft', day: number) => ({
      id, phase, starts_at: `2026-01-${String(day).padStart(2, '0')}T00:00:00Z`,
    });
    const sorted = byPhase([s(1, 'ended', 1), s(2, 'upcoming', 9), s(3, 'ended', 5), s(4, 'live', 3), s(5, 'upcoming', 7), s(6, 'draft', 2)]);
    expect(sorted.map((x) => x.id)).toEqual([4, 5, 2, 6, 3, 1]);
  });
  it('reads basis points as a percentage', () => {
    expect(percentFromBp(3333)).toBe('33.3 %');
    expect(percentFromBp(6667)).toBe('66.7 %');
    expect(percentFromBp(10_000)).toBe('100.0 %');
    expect(percentFromBp(0)).toBe('0.0 %');
  });
  it('formats a countdown', () => {
    expect(clock(61_000)).toBe('01:01');
    expect(clock(3_600_000 + 5_000)).toBe('1:00:05');
    expect(clock(0)).toBe('00:00');
  });
});
