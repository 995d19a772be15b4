import { describe, expect, it } from 'vitest';
import { emptyRoom, reduce, remainingMs, reserveBadge, yuanToFen, type LotView } from './lotState';

const lot: LotView = {
  id: 1, session_id: 1, position: 1, mode: 'timed', vehicle: null, condition_report: '', starting_price: 100_000,
  buy_now_price: null, status: 'open', price: null, leader: null, next_minimum: 100_000, ends_at: 10_000,
  scheduled_end: 10_000, decision_deadline: null, bids: 0, reserve_met: null, seq: 0,
  you: { paddle: '101', max: null, status: 'none' },
};

describe('lot room state', () => {
  it('folds a snapshot then events, in order, once', () => {
    let s = reduce(emptyRoom, { type: 'snapshot', seq: 0, lot, history: [] });
    const bid = {
      type: 'event', lot_id: 1, seq: 1,
      event: { type: 'bid', at: 5, lines: [{ paddle: '101', amount: 100_000, auto: false }],
               lot: { price: 100_000, leader: '101', next_minimum: 110_000, ends_at: 10_000 } },
    };
    s = reduce(s, bid);
    expect(s.lot?.price).toBe(100_000);
    expect(s.lot?.you?.status).toBe('leading');
    expect(reduce(s, bid)).toBe(s); // a duplicate changes nothing
    s = reduce(s, {
      type: 'event', lot_id: 1, seq: 2,
      event: { type: 'bid', at: 6, lines: [{ paddle: '102', amount: 110_000, auto: false }],
               lot: { price: 110_000, leader: '102', next_minimum: 120_000, ends_at: 12_000 } },
    });
    expect(s.lot?.you?.status).toBe('outbid');
    s = reduce(s, { type: 'event', lot_id: 1, seq: 3, event: { type: 'extended', ends_at: 12_000, lot: {} } });
    expect(s.extended).toBe(true);
    expect(s.history.map((h) => h.amount)).toEqual([110_000, 100_000]);
    s = reduce(s, { type: 'event', lot_id: 1, seq: 4, event: { type: 'retracted', lot: { price: 100_000, leader: '101' } } });
    expect(s.history[0]?.retracted).toBe(true);
    expect(s.lot?.you?.status).toBe('leading');
  });

  it('follows the reserve from the events, without a reload, to the close', () => {
    const event = (seq: number, type: string, summary: Partial<LotView>, extra: object = {}) => ({
      type: 'event', lot_id: 1, seq, event: { type, at: seq, lines: [], ...extra, lot: summary },
    });
    let s = reduce(emptyRoom, { type: 'snapshot', seq: 0, lot: { ...lot, reserve_met: false }, history: [] });
    expect(reserveBadge(s.lot!)).toBe('notMet');
    s = reduce(s, event(1, 'bid', { price: 17_000_000, reserve_met: false }));
    expect(reserveBadge(s.lot!)).toBe('notMet');
    s = reduce(s, event(2, 'bid', { price: 19_800_000, reserve_met: true }));
    expect(reserveBadge(s.lot!)).toBe('met');
    s = reduce(s, event(3, 'extended', { price: 19_800_000, reserve_met: true }, { ends_at: 20_000 }));
    s = reduce(s, event(4, 'sold', { status: 'sold', price: 24_200_000, reserve_met: true }, { via: 'clock' }));
    expect(s.lot?.status).toBe('sold');
    expect(reserveBadge(s.lot!)).toBe('met');
  });

  it('shows no reserve badge without a reserve, nor on a sale the seller accepted below it', () => {
    expect(reserveBadge({ ...lot, reserve_met: null })).toBeNull();
    expect(reserveBadge({ ...lot, status: 'sold', reserve_met: false })).toBeNull();
    expect(reserveBadge({ ...lot, status: 'passed', reserve_met: false })).toBe('notMet');
    expect(reserveBadge({ ...lot, status: 'conditional', reserve_met: false })).toBe('notMet');
  });

  it('works the reserve out for those who see it when an older event does not say', () => {
    let s = reduce(emptyRoom, { type: 'snapshot', seq: 0, lot: { ...lot, reserve_met: false, reserve_price: 500_000 }, history: [] });
    s = reduce(s, { type: 'event', lot_id: 1, seq: 1, event: { type: 'bid', at: 1, lines: [], lot: { price: 500_000 } } });
    expect(s.lot?.reserve_met).toBe(true);
  });

  it('tells a bidder whose maximum a material change cancelled, and no one else', () => {
    const leading = { ...lot, price: 210_000, leader: '101', you: { paddle: '101', max: 500_000, status: 'leading' as const } };
    const change = {
      type: 'event', lot_id: 1, seq: 1,
      event: { type: 'material_change', what: 'condition_report', proxies_cancelled: ['101'], lot: { price: 210_000 } },
    };
    const mine = reduce(reduce(emptyRoom, { type: 'snapshot', seq: 0, lot: leading, history: [] }), change);
    expect(mine.proxyCancelled).toBe(true);
    expect(mine.lot?.you?.max).toBe(210_000);
    const other = { ...leading, you: { paddle: '102', max: 200_000, status: 'outbid' as const } };
    const theirs = reduce(reduce(emptyRoom, { type: 'snapshot', seq: 0, lot: other, history: [] }), change);
    expect(theirs.proxyCancelled).toBeFalsy();
    expect(theirs.lot?.you?.max).toBe(200_000);
  });

  it('parses yuan input into fen without floats', () => {
    expect(yuanToFen('1,234.5')).toBe(123_450);
    expect(yuanToFen('0')).toBeNull();
    expect(yuanToFen('12.345')).toBeNull();
    expect(yuanToFen('abc')).toBeNull();
  });

  it('counts down on the server clock', () => {
    expect(remainingMs(10_000, 500, 9_000)).toBe(500);
    expect(remainingMs(10_000, 0, 20_000)).toBe(0);
    expect(remainingMs(null, 0, 0)).toBeNull();
  });
});

describe('conditional sale events', () => {
  it('keeps the decision deadline and the counter amount the summaries leave out', () => {
    let s = reduce(emptyRoom, { type: 'snapshot', seq: 0, lot, history: [] });
    s = reduce(s, {
      type: 'event', lot_id: 1, seq: 1,
      event: { type: 'conditional', price: 100_000, leader: '101', deadline: 99_000, lot: { status: 'conditional', price: 100_000 } },
    });
    expect(s.lot).toMatchObject({ status: 'conditional', decision_deadline: 99_000, counter: null });
    s = reduce(s, {
      type: 'event', lot_id: 1, seq: 2,
      event: { type: 'countered', amount: 120_000, deadline: 99_000, lot: { status: 'countered', price: 100_000 } },
    });
    expect(s.lot).toMatchObject({ status: 'countered', decision_deadline: 99_000, counter: 120_000, price: 100_000 });
  });
});
