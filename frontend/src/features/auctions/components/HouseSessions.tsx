import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { useSession } from '../../../lib/session';
import { listSessions, type AuctionSession } from '../api/auctions';
import { houseOrganisations } from '../lib/house';
import { PhaseBadge, SessionResults } from './SessionSummary';
import '../auctions.css';

/** The auction house's own sessions, drafts first, and the way to a new one. */
export function HouseSessions() {
  const { t, locale } = useI18n();
  const me = useSession().me;
  const [sessions, setSessions] = useState<AuctionSession[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const houses = houseOrganisations(me);
  const mine = new Set(houses.map((h) => h.id));
  const load = () => {
    setError(null);
    listSessions().then((r) => setSessions(r.items), setError);
  };
  useEffect(load, []);
  if (error) return <LoadError error={error} onRetry={load} />;
  if (!sessions) return <Loading />;
  const own = sessions.filter((s) => mine.has(s.house_org_id));
  return (
    <div className="page">
      <h1>{t('auctions.house.title')}</h1>
      {houses.length === 0 ? (
        <p className="alert alert-warning">{t('auctions.new.noHouse')}</p>
      ) : (
        <p>
          <Link className="btn btn-primary" to="/auctions/new" data-testid="new-session">
            {t('auctions.house.new')}
          </Link>
        </p>
      )}
      {own.length === 0 && <Empty>{t('auctions.house.none')}</Empty>}
      <ul className="session-list" data-testid="house-sessions">
        {own.map((s) => (
          <li key={s.id} className="card">
            <h2>
              <Link to={`/auctions/${s.id}`}>{s.title}</Link> <PhaseBadge session={s} />
            </h2>
            <p className="muted small">
              {houses.find((h) => h.id === s.house_org_id)?.name} · {t(`auctions.kind.${s.kind}` as MessageKey)} · {t('auctions.starts')}{' '}
              {formatDateTime(s.starts_at, locale)}
            </p>
            <SessionResults session={s} />
          </li>
        ))}
      </ul>
    </div>
  );
}
