import { describe, expect, it } from 'vitest';
import type { AuctionSession } from '../../features/auctions/api/auctions';
import { whatsOn } from './whats-on';

const NOW = Date.parse('2026-06-01T10:00:00Z');
const lot = (status: string, endsAt: number | null) => ({ status, ends_at: endsAt, scheduled_end: null }) as AuctionSession['lots'][number];
const session = (id: number, startsAt: string, lots: AuctionSession['lots'], status: AuctionSession['status'] = 'published') =>
  ({ id, title: `S${id}`, starts_at: startsAt, status, lots }) as AuctionSession;

describe('whatsOn', () => {
  it('puts live sessions first, soonest to close, then upcoming ones, and leaves ended ones out', () => {
    const shown = whatsOn(
      [
        session(1, '2026-05-30T10:00:00Z', [lot('sold', NOW - 1), lot('unsold', NOW - 1)]), // ended
        session(2, '2026-06-03T10:00:00Z', [lot('scheduled', null)]), // upcoming, later
        session(3, '2026-06-01T09:00:00Z', [lot('open', NOW + 600_000), lot('sold', NOW - 5)]), // live
        session(4, '2026-06-02T10:00:00Z', []), // upcoming, sooner
        session(5, '2026-06-01T09:30:00Z', [lot('open', NOW + 60_000)]), // live, closes first
        session(6, '2026-06-02T08:00:00Z', [], 'draft'), // a house's draft is not on
      ],
      NOW,
      10,
    );
    expect(shown.map((s) => [s.session.id, s.phase])).toEqual([
      [5, 'live'],
      [3, 'live'],
      [4, 'upcoming'],
      [2, 'upcoming'],
    ]);
    expect(shown[1]!.lots).toBe(1);
  });

  it('counts an on-site session waiting for its hammer as live, with no set end', () => {
    const [s] = whatsOn([session(7, '2026-06-01T08:00:00Z', [lot('scheduled', null), lot('scheduled', null)])], NOW);
    expect(s).toMatchObject({ phase: 'live', lots: 2, at: Number.POSITIVE_INFINITY });
  });

  it('shows at most three', () => {
    const many = [1, 2, 3, 4, 5].map((id) => session(id, '2026-07-01T00:00:00Z', []));
    expect(whatsOn(many, NOW)).toHaveLength(3);
  });
});
