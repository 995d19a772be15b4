/**
 * What a closed lot means to the person in the room (won, lost, unsold), and the buyer's "my auctions"
 * grouped by where they stand. Pure: the screens put the result in words.
 */
import type { MyLot, MyRegistration, SessionPhase } from '../api/auctions';
import type { LotView } from './lotState';

export type RoomOutcome = 'won' | 'lost' | 'unsold' | 'sold' | 'passed';

/**
 * The closing message for this viewer, or null while bidding runs or a decision is pending.
 * A registered bidder who bid: won (they are the buyer), lost (sold to another), unsold (passed, they had bid).
 * Everyone else: sold / passed.
 */
export function roomOutcome(lot: LotView): RoomOutcome | null {
  if (lot.status !== 'sold' && lot.status !== 'passed') return null;
  const you = lot.you;
  const tookPart = !!you && (you.status !== 'none' || you.max !== null || lot.leader === you.paddle);
  if (lot.status === 'sold') {
    if (you && lot.leader === you.paddle) return 'won';
    return tookPart ? 'lost' : 'sold';
  }
  return tookPart ? 'unsold' : 'passed';
}

export interface MyAuctionGroups {
  leading: { reg: MyRegistration; lot: MyLot }[];
  won: { reg: MyRegistration; lot: MyLot }[];
  lost: { reg: MyRegistration; lot: MyLot }[];
}

/** Lots by standing: leading (incl. outbid while bidding runs and pending decisions), won, lost. */
export function groupMyAuctions(items: MyRegistration[]): MyAuctionGroups {
  const groups: MyAuctionGroups = { leading: [], won: [], lost: [] };
  for (const reg of items)
    for (const lot of reg.lots) {
      if (lot.standing === 'won') groups.won.push({ reg, lot });
      else if (lot.standing === 'lost') groups.lost.push({ reg, lot });
      else groups.leading.push({ reg, lot });
    }
  return groups;
}

const PHASE_RANK: Record<SessionPhase, number> = { live: 0, upcoming: 1, draft: 2, ended: 3 };

/** The calendar's order (the server sends it so; kept here for lists merged on the client). */
export function byPhase<T extends { phase: SessionPhase; starts_at: string }>(sessions: T[]): T[] {
  return [...sessions].sort((a, b) => {
    const rank = PHASE_RANK[a.phase] - PHASE_RANK[b.phase];
    if (rank) return rank;
    const d = Date.parse(a.starts_at) - Date.parse(b.starts_at);
    return a.phase === 'ended' ? -d : d;
  });
}

/** Basis points → "33.3 %" (one decimal, integers only). */
export function percentFromBp(bp: number): string {
  const tenths = Math.round(bp / 10);
  return `${Math.floor(tenths / 10)}.${tenths % 10} %`;
}

/** Milliseconds → "mm:ss" or "h:mm:ss". */
export function clock(ms: number): string {
  const s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
