import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { listSessions, type AuctionSession } from '../api/auctions';
import { byPhase } from '../lib/outcome';
import { PhaseBadge, SessionResults } from './SessionSummary';
import '../auctions.css';

/** The calendar: live sessions first, then upcoming ones, then the results of those that have ended. */
export function Calendar() {
  const { t, locale } = useI18n();
  const [sessions, setSessions] = useState<AuctionSession[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    setError(null);
    listSessions().then((r) => setSessions(byPhase(r.items)), setError);
  };
  useEffect(load, []);
  if (error) return <LoadError error={error} onRetry={load} />;
  if (!sessions) return <Loading />;
  const ended = sessions.filter((s) => s.phase === 'ended');
  const coming = sessions.filter((s) => s.phase !== 'ended');
  const item = (s: AuctionSession) => (
    <li key={s.id} className="card" data-testid={`session-${s.id}`}>
      <h2>
        <Link to={`/auctions/${s.id}`}>{s.title}</Link> <PhaseBadge session={s} />
      </h2>
      <p className="muted small">
        {t(`auctions.kind.${s.kind}` as MessageKey)} · {t('auctions.starts')} {formatDateTime(s.starts_at, locale)}
      </p>
      <SessionResults session={s} />
    </li>
  );
  return (
    <div className="page">
      <h1>{t('auctions.calendar')}</h1>
      <p className="muted">{t('auctions.calendarIntro')}</p>
      {sessions.length === 0 && <Empty>{t('auctions.none')}</Empty>}
      {coming.length > 0 && (
        <ul className="session-list" data-testid="session-list">
          {coming.map(item)}
        </ul>
      )}
      {ended.length > 0 && (
        <>
          <h2 className="section">{t('auctions.endedSessions')}</h2>
          <ul className="session-list" data-testid="ended-sessions">
            {ended.map(item)}
          </ul>
        </>
      )}
    </div>
  );
}
