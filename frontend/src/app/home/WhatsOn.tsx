import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { getSession, listSessions } from '../../features/auctions/api/auctions';
import { searchListings, type SearchHit } from '../../features/listings/api/listings';
import { ListingCard } from '../../features/listings/components/ListingCard';
import { formatDateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { whatsOn, type SessionNow } from './whats-on';

/** How many recent sessions that have started are looked at in detail (the list leaves their lots out). */
const STARTED_LOOKED_AT = 4;

async function sessionsOnNow(): Promise<SessionNow[]> {
  const now = Date.now();
  const published = (await listSessions()).items.filter((s) => s.status === 'published');
  const started = published
    .filter((s) => Date.parse(s.starts_at) <= now && !s.lots.length)
    .sort((a, b) => Date.parse(b.starts_at) - Date.parse(a.starts_at))
    .slice(0, STARTED_LOOKED_AT);
  const detailed = new Map((await Promise.all(started.map((s) => getSession(s.id)))).map((s) => [s.id, s]));
  return whatsOn(
    published.map((s) => detailed.get(s.id) ?? s),
    now,
  );
}

/** The home page's "on now": live and upcoming auctions, and the freshest listings. */
export function WhatsOn() {
  const { t, locale } = useI18n();
  const [sessions, setSessions] = useState<SessionNow[] | null>(null);
  const [cars, setCars] = useState<SearchHit[] | null>(null);
  useEffect(() => {
    let live = true;
    sessionsOnNow().then((s) => live && setSessions(s), () => live && setSessions([]));
    searchListings({ sort: 'newest', per_page: 4 }).then((r) => live && setCars(r.hits), () => live && setCars([]));
    return () => {
      live = false;
    };
  }, []);
  return (
    <section className="page whats-on" aria-labelledby="whats-on-h">
      <h2 id="whats-on-h">{t('home.onNow')}</h2>
      <div className="whats-on-head">
        <h3>{t('home.auctionsNow')}</h3>
        <Link to="/auctions">{t('home.allAuctions')}</Link>
      </div>
      {sessions === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : sessions.length === 0 ? (
        <p className="muted" data-testid="home-no-auctions">{t('home.noAuctions')}</p>
      ) : (
        <ul className="home-sessions" data-testid="home-sessions">
          {sessions.map(({ session, phase, lots, at }) => (
            <li key={session.id} className="card" data-testid="home-session">
              <span className={`badge ${phase === 'live' ? 'badge-live' : ''}`}>{t(`home.phase.${phase === 'live' ? 'live' : 'upcoming'}`)}</span>
              <h4>
                <Link to={`/auctions/${session.id}`}>{session.title}</Link>
              </h4>
              <p className="muted small">
                {phase === 'upcoming'
                  ? t('home.startsAt', { time: formatDateTime(session.starts_at, locale) })
                  : Number.isFinite(at) // a live (on-site) session's lots close when the hammer falls, at no set time
                    ? t('home.liveLots', { n: lots, time: formatDateTime(new Date(at).toISOString(), locale) })
                    : t('home.liveLotsHammer', { n: lots })}
              </p>
            </li>
          ))}
        </ul>
      )}
      <div className="whats-on-head">
        <h3>{t('home.freshListings')}</h3>
        <Link to="/listings?sort=newest">{t('home.allListings')}</Link>
      </div>
      {cars === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        <ul className="listing-cards" data-testid="home-listings">
          {cars.map((car) => (
            <ListingCard key={car.id} car={car} />
          ))}
        </ul>
      )}
    </section>
  );
}
