/**
 * What the home page shows as on now: live sessions first (soonest to close), then upcoming ones (soonest to
 * start); ended sessions are left out, so the demo's finished sessions never crowd the page.
 */
import type { AuctionSession } from '../../features/auctions/api/auctions';

export type Phase = 'live' | 'upcoming' | 'ended';

export interface SessionNow {
  session: AuctionSession;
  phase: Phase;
  /** Lots still open (live) or in the catalogue (upcoming). */
  lots: number;
  /** When the next open lot closes (live; Infinity when no lot has a set end), or when the session starts, in ms. */
  at: number;
}

// A session is live while any lot can still take bids or is waiting its turn (a live session opens lots one by one).
const OPEN = new Set(['open', 'paused', 'scheduled']);

/** A session's phase from its start and its lots (the list endpoint may leave lots out: then ask for the detail). */
export function phaseOf(session: AuctionSession, nowMs: number): SessionNow {
  const starts = Date.parse(session.starts_at);
  if (starts > nowMs) return { session, phase: 'upcoming', lots: session.lots.length, at: starts };
  const open = session.lots.filter((l) => OPEN.has(l.status));
  const ends = open.map((l) => l.ends_at ?? l.scheduled_end ?? Number.POSITIVE_INFINITY);
  return open.length
    ? { session, phase: 'live', lots: open.length, at: Math.min(...ends) }
    : { session, phase: 'ended', lots: 0, at: starts };
}

export function whatsOn(sessions: AuctionSession[], nowMs: number, limit = 3): SessionNow[] {
  const now = sessions.filter((s) => s.status === 'published').map((s) => phaseOf(s, nowMs));
  const live = now.filter((s) => s.phase === 'live').sort((a, b) => a.at - b.at);
  const upcoming = now.filter((s) => s.phase === 'upcoming').sort((a, b) => a.at - b.at);
  return [...live, ...upcoming].slice(0, limit);
}
