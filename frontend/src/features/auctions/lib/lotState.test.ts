import { describe, expect, it } from 'vitest';
import { emptyRoom, reduce, remainingMs, yuanToFen, type LotView } from './lotState';

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
