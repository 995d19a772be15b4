/** The lot room's state, folded from the server's snapshot / replay / event messages (docs/protocol.md). */

export interface VehicleView {
  id: number;
  title: string;
  model_year: number | null;
  mileage_km: number;
  first_registration: string | null;
  energy_type: string;
  colour: string;
  city: string;
  transfers: number;
}

export interface LotView {
  id: number;
  session_id: number;
  position: number;
  mode: 'timed' | 'live';
  vehicle: VehicleView | null;
  condition_report: string;
  starting_price: number;
  buy_now_price: number | null;
  status: string;
  price: number | null;
  leader: string | null;
  next_minimum: number;
  ends_at: number | null;
  scheduled_end: number | null;
  decision_deadline: number | null;
  counter?: number | null;
  bids: number;
  reserve_met: boolean | null;
  reserve_price?: number | null;
  seq: number;
  you?: { paddle: string; max: number | null; status: 'leading' | 'outbid' | 'none' };
}

export interface HistoryLine {
  paddle: string;
  amount: number;
  auto: boolean;
  at: number;
  seq: number;
  retracted?: boolean;
}

export interface RoomState {
  lot: LotView | null;
  seq: number;
  history: HistoryLine[];
  extended: boolean;
  warning: number | null;
  /** The house changed the lot's material data and cancelled this viewer's standing maximum. */
  proxyCancelled?: boolean;
}

export const emptyRoom: RoomState = { lot: null, seq: 0, history: [], extended: false, warning: null };

type Json = Record<string, unknown>;

function youAfter(lot: LotView, leader: string | null, bidders: string[]): LotView['you'] {
  if (!lot.you) return undefined;
  const mine = lot.you.paddle;
  const took = bidders.includes(mine) || lot.you.status !== 'none';
  return { ...lot.you, status: leader === mine ? 'leading' : took ? 'outbid' : 'none' };
}

/**
 * Whether the reserve is met after an event that did not say (events logged before the server carried
 * `reserve_met` in every summary): those who see the reserve work it out; others keep what they knew, which
 * only a rising price can change from "not met" — and that needs the reserve, so it waits for the next snapshot.
 */
function reserveMetAfter(before: LotView, after: LotView): boolean | null {
  if (before.reserve_met === null) return null;
  if (after.reserve_price != null) return after.price !== null && after.price >= after.reserve_price;
  return before.reserve_met;
}

export type ReserveBadge = 'met' | 'notMet' | null;

/**
 * The room's reserve badge. Null with no reserve, and on a lot sold below it (the seller accepted the high bid
 * or a counter): "sold, reserve not met" reads as a contradiction to a bidder.
 */
export function reserveBadge(lot: LotView): ReserveBadge {
  if (lot.reserve_met === null || lot.reserve_met === undefined) return null;
  if (lot.reserve_met) return 'met';
  return lot.status === 'sold' ? null : 'notMet';
}

function applyEvent(state: RoomState, seq: number, event: Json): RoomState {
  if (!state.lot || seq <= state.seq) return state;
  const summary = (event.lot ?? {}) as Partial<LotView>;
  let lot: LotView = { ...state.lot, ...summary, seq };
  if (summary.reserve_met === undefined) lot = { ...lot, reserve_met: reserveMetAfter(state.lot, lot) };
  let history = state.history;
  let { extended, warning } = state;
  let proxyCancelled = state.proxyCancelled;
  const type = String(event.type);
  if (type === 'bid') {
    const lines = (event.lines as Omit<HistoryLine, 'at' | 'seq'>[]).map((l) => ({ ...l, at: Number(event.at), seq }));
    history = [...lines.reverse(), ...history].slice(0, 50);
    lot = { ...lot, you: youAfter(lot, lot.leader, lines.map((l) => l.paddle)) };
    warning = null;
  } else if (type === 'extended') {
    extended = true;
  } else if (type === 'retracted') {
    const lastSeq = history.find((h) => !h.retracted)?.seq;
    history = history.map((h) => (h.seq === lastSeq ? { ...h, retracted: true } : h));
    lot = { ...lot, you: youAfter(lot, lot.leader, []) };
  } else if (type === 'conditional') {
    // The summary carries no decision fields: the deadline (and a counter's amount) come with the event.
    lot = { ...lot, decision_deadline: Number(event.deadline), counter: null };
  } else if (type === 'countered') {
    lot = { ...lot, decision_deadline: Number(event.deadline), counter: Number(event.amount) };
  } else if (type === 'material_change') {
    // The event names paddles only: a bidder recognises their own, and their maximum is now their visible bid.
    const mine = lot.you?.paddle;
    if (lot.you && mine && (event.proxies_cancelled as string[] | undefined)?.includes(mine)) {
      lot = { ...lot, you: { ...lot.you, max: lot.price } };
      proxyCancelled = true;
    }
  } else if (type === 'warning') {
    warning = Number(event.level);
  } else if (type === 'opened' || type === 'resumed' || type === 'paused') {
    warning = null;
  }
  return { lot, seq, history, extended, warning, proxyCancelled };
}

/** Folds one server message into the room state; unknown messages leave it as it was. */
export function reduce(state: RoomState, msg: Json): RoomState {
  switch (msg.type) {
    case 'snapshot': {
      const lot = msg.lot as LotView;
      return {
        lot,
        seq: Number(msg.seq),
        history: (msg.history as HistoryLine[]) ?? [],
        extended: lot.scheduled_end !== null && lot.ends_at !== null && lot.ends_at > lot.scheduled_end,
        warning: null,
      };
    }
    case 'replay': {
      let next = state;
      for (const item of msg.events as { seq: number; event: Json }[]) next = applyEvent(next, item.seq, item.event);
      return next;
    }
    case 'event':
      return applyEvent(state, Number(msg.seq), msg.event as Json);
    default:
      return state;
  }
}

/** Whole yuan typed by a person → integer fen (null when not a positive amount). */
export function yuanToFen(input: string): number | null {
  const clean = input.replace(/[,\s，]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
  const [whole, frac = ''] = clean.split('.');
  const fen = Number(whole) * 100 + Number((frac + '00').slice(0, 2));
  return Number.isSafeInteger(fen) && fen > 0 ? fen : null;
}

/** Milliseconds left on the server's clock, given the measured offset (server − local). */
export function remainingMs(endsAt: number | null, offsetMs: number, nowLocal: number): number | null {
  return endsAt === null ? null : Math.max(0, endsAt - (nowLocal + offsetMs));
}
